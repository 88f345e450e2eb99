import type { WebClient } from '@slack/web-api';
import type { MessageRef } from '../../core/triage/dialogue.js';

/**
 * Idempotency through Slack message metadata: a post carries `{event_type, event_payload: {key}}`, and a retry asks
 * Slack (channel history, or a thread's replies) whether a post with that key went out before posting again.
 */
export function keyedMetadata(eventType: string, key: string | undefined) {
  return key ? { metadata: { event_type: eventType, event_payload: { key } } } : {};
}

/** The bot's post with `key` since `sinceMs` (a minute of clock skew allowed), following a few pages; throws what Slack throws. */
export async function findByMetadata(
  client: WebClient,
  where: { channel: string; threadTs?: string },
  eventType: string,
  key: string,
  sinceMs: number,
): Promise<MessageRef | undefined> {
  const oldest = String(Math.floor(sinceMs / 1000) - 60);
  let cursor: string | undefined;
  // A busy channel after a long outage has many messages since: follow the pages (bounded).
  for (let page = 0; page < 10; page++) {
    const common = {
      channel: where.channel,
      oldest,
      include_all_metadata: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    };
    const result = where.threadTs
      ? await client.conversations.replies({ ...common, ts: where.threadTs })
      : await client.conversations.history(common);
    const found = result.messages?.find(
      (m) =>
        m.metadata?.event_type === eventType &&
        (m.metadata.event_payload as { key?: unknown } | undefined)?.key === key,
    );
    if (found?.ts) return { channel: where.channel, id: found.ts };
    cursor = result.response_metadata?.next_cursor || undefined;
    if (!result.has_more || !cursor) return undefined;
  }
  return undefined;
}
