import type { ConversationReference } from 'botbuilder';
import type { ConversationSurface } from '../../core/ports.js';
import type { MessageRef } from '../../core/triage/dialogue.js';
import type { UserRef, View } from '../../core/view.js';
import { type ChannelPoster, type DigestTarget, UndeliverableError } from '../../scheduler/types.js';
import type { Pacer } from '../../store/pacer.js';
import { TeamsSurface, type TeamsSurfaceDeps } from './surface.js';

/**
 * Scheduled posts to Teams channels and chats, through the conversation reference stored when the bot last heard
 * from them; dates on the cards follow that conversation's time zone. The Bot Connector has no history to consult,
 * so a crash between posting and recording can repeat a digest once (never lose it).
 */
export class TeamsPoster implements ChannelPoster {
  constructor(private readonly deps: TeamsSurfaceDeps & { pacer: Pacer }) {}

  async post(target: DigestTarget, view: View): Promise<MessageRef> {
    const stored = await this.deps.references.get(target.tenant, target.channel);
    if (!stored) {
      throw new UndeliverableError(
        'no_reference',
        'The bot has not heard from this channel, so Teams gives it no address there. Mention the bot in the channel once (for example “@AI Procure help”).',
      );
    }
    await this.deps.pacer.waitTurn(target.tenant, target.channel);
    const surface = new TeamsSurface(this.deps, target.tenant, stored as Partial<ConversationReference>, undefined, {
      timeZone: stored.timezone,
      locale: stored.locale,
    });
    return surface.postThrough(target.channel, stored, view).catch((error: unknown) => {
      throw classifyTeamsError(error);
    });
  }

  /** A surface for a conversation outside any turn (the outbox worker's), through its stored reference. */
  async surfaceFor(tenant: string, conversation: string): Promise<ConversationSurface | undefined> {
    const stored = await this.deps.references.get(tenant, conversation);
    if (!stored) return undefined;
    return new TeamsSurface(this.deps, tenant, stored as Partial<ConversationReference>, undefined, {
      timeZone: stored.timezone,
      locale: stored.locale,
    });
  }

  /** A message in each person's personal chat with the bot; someone who never opened one cannot be reached. */
  async tell(tenant: string, people: readonly UserRef[], view: View): Promise<number> {
    let told = 0;
    for (const person of people) {
      const stored = await this.deps.references.getPersonal(tenant, person.id);
      if (!stored) continue;
      const surface = new TeamsSurface(this.deps, tenant, stored as Partial<ConversationReference>, undefined, {
        timeZone: stored.timezone,
        locale: stored.locale,
      });
      const sent = await surface.postThrough(stored.conversation.id, stored, view).catch(() => undefined);
      if (sent) told += 1;
    }
    return told;
  }
}

/**
 * The Bot Connector's answers that no retry can fix: 403 (the bot was removed from the team or chat) and 404 (the
 * conversation is gone). Anything else (429, 5xx, timeouts) is worth retrying.
 */
export function classifyTeamsError(error: unknown): unknown {
  const status = (error as { statusCode?: unknown }).statusCode;
  if (status === 403) {
    return new UndeliverableError(
      'forbidden',
      'Teams refused the post: the bot was removed from this team or chat. Add the app to the team again.',
    );
  }
  if (status === 404) {
    return new UndeliverableError(
      'not_found',
      'Teams no longer knows this conversation: the channel or team may have been deleted. Move the contracts’ reminders to another channel.',
    );
  }
  return error;
}
