import type { MessageRef } from '../../core/triage/dialogue.js';
import type { View } from '../../core/view.js';
import type { ChannelPoster, DigestTarget } from '../../scheduler/types.js';
import type { Pacer } from '../../store/pacer.js';
import type { SlackTokens } from './authorize.js';
import { renderMessage } from './render/blocks.js';

const EVENT_TYPE = 'aiprocure_digest';

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
    const result = await client.chat.postMessage({
      channel: target.channel,
      ...renderMessage(view),
      metadata: { event_type: EVENT_TYPE, event_payload: { key: options.key } },
    });
    if (!result.ts) throw new Error('Slack answered without ts');
    return { channel: result.channel ?? target.channel, id: result.ts };
  }

  async findPosted(target: DigestTarget, key: string, sinceMs: number): Promise<MessageRef | undefined> {
    const client = await this.tokens.clientFor(target.tenant);
    let cursor: string | undefined;
    // A busy channel after a long outage has many messages since: follow the pages (bounded).
    for (let page = 0; page < 10; page++) {
      const history = await client.conversations.history({
        channel: target.channel,
        oldest: String(Math.floor(sinceMs / 1000) - 60),
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      const found = history.messages?.find(
        (m) =>
          m.metadata?.event_type === EVENT_TYPE &&
          (m.metadata.event_payload as { key?: unknown } | undefined)?.key === key,
      );
      if (found?.ts) return { channel: target.channel, id: found.ts };
      cursor = history.response_metadata?.next_cursor;
      if (!history.has_more || !cursor) return undefined;
    }
    return undefined;
  }
}
