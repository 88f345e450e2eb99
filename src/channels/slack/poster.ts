import type { ConversationSurface } from '../../core/ports.js';
import type { MessageRef } from '../../core/triage/dialogue.js';
import type { UserRef, View } from '../../core/view.js';
import { type ChannelPoster, type DigestTarget, UndeliverableError } from '../../scheduler/types.js';
import type { Pacer } from '../../store/pacer.js';
import type { SlackTokens } from './authorize.js';
import { findByMetadata, keyedMetadata } from './metadata.js';
import { renderMessage } from './render/blocks.js';
import { SlackSurface } from './surface.js';

const EVENT_TYPE = 'aiprocure_digest';

/** Slack's errors that no retry can fix, with what an admin does about each. */
const PERMANENT: Record<string, string> = {
  channel_not_found:
    'The channel no longer exists, or the bot cannot see it: it may have been deleted or made private.',
  is_archived: 'The channel is archived. Unarchive it, or move the contracts’ reminders to another channel.',
  not_in_channel: 'The bot was removed from the channel. Invite it back there with /invite @aiprocure.',
  account_inactive: 'The bot’s account is deactivated: the app was removed. Reinstall it.',
  token_revoked: 'The bot’s token was revoked. Reinstall the app.',
  invalid_auth: 'The bot’s token is no longer valid. Reinstall the app.',
};

/** A Slack Web API error whose code is one of PERMANENT, as UndeliverableError; anything else unchanged. */
export function classifySlackError(error: unknown): unknown {
  const code = (error as { data?: { error?: unknown } }).data?.error;
  if (typeof code === 'string' && code in PERMANENT) return new UndeliverableError(code, PERMANENT[code] ?? '');
  return error;
}

/** Slack user ids (U…, W… on Enterprise Grid): ADMINS may list Entra ids too, which Slack cannot message. */
const SLACK_USER = /^[UW][A-Z0-9]{2,20}$/;

/**
 * Scheduled posts to Slack channels. Each carries its occurrence key as message metadata, so after a crash between
 * posting and recording the post, `findPosted` can see in the channel's history that it went out. Posts are paced
 * per channel; a 429 is retried by the Web API client after the `Retry-After` Slack sends. Each post uses the token of
 * the target's own workspace.
 */
export class SlackPoster implements ChannelPoster {
  constructor(
    private readonly tokens: SlackTokens,
    private readonly pacer: Pacer,
  ) {}

  async post(target: DigestTarget, view: View, options: { key: string }): Promise<MessageRef> {
    const client = await this.tokens.clientFor(target.tenant);
    await this.pacer.waitTurn(target.tenant, target.channel);
    const result = await client.chat
      .postMessage({
        channel: target.channel,
        ...renderMessage(view),
        ...keyedMetadata(EVENT_TYPE, options.key),
      })
      .catch((error: unknown) => {
        throw classifySlackError(error);
      });
    if (!result.ts) throw new Error('Slack answered without ts');
    return { channel: result.channel ?? target.channel, id: result.ts };
  }

  /** A surface for a channel outside any request (the outbox worker's), with the workspace's token. */
  async surfaceFor(tenant: string, channel: string): Promise<ConversationSurface> {
    return new SlackSurface(await this.tokens.clientFor(tenant), { channel });
  }

  /** A direct message from the app to each person (Slack opens the app's DM when the channel is a user id). */
  async tell(tenant: string, people: readonly UserRef[], view: View): Promise<number> {
    const client = await this.tokens.clientFor(tenant);
    let told = 0;
    for (const person of people.filter((p) => SLACK_USER.test(p.id))) {
      // One person's failure (not in this workspace, deactivated) does not stop the others being told.
      const sent = await client.chat.postMessage({ channel: person.id, ...renderMessage(view) }).catch(() => undefined);
      if (sent?.ok) told += 1;
    }
    return told;
  }

  findPosted(target: DigestTarget, key: string, sinceMs: number): Promise<MessageRef | undefined> {
    return this.tokens
      .clientFor(target.tenant)
      .then((client) => findByMetadata(client, { channel: target.channel }, EVENT_TYPE, key, sinceMs));
  }
}
