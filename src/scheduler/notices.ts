import type { View } from '../core/view.js';
import type { DigestTarget } from './types.js';

/** What a tenant's admins are told, once, when reminders to a channel can no longer be posted. */
export function deadEndView(target: DigestTarget, advice: string): View {
  const lead = 'AI contract reminders for ';
  const rest = ' cannot be posted. ';
  const owed =
    ' The reminders stay owed: the bot tries once a day, and posts them as soon as it can. “status” lists every channel it cannot reach.';
  return {
    fallback: `${lead}a channel${rest}${advice}${owed}`,
    blocks: [
      { type: 'text', content: [{ strong: 'Reminders cannot be delivered' }] },
      { type: 'text', content: [lead, { channel: { id: target.channel } }, rest, advice] },
      { type: 'context', content: [owed.trim()] },
    ],
  };
}
