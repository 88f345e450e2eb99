import type { WebClient } from '@slack/web-api';
import { DomainError } from '../../core/errors.js';
import type { ConversationSurface, PostOptions } from '../../core/ports.js';
import type { MessageRef } from '../../core/triage/dialogue.js';
import type { UserRef, View } from '../../core/view.js';
import { findByMetadata, keyedMetadata } from './metadata.js';
import { renderMessage } from './render/blocks.js';

/** The core's conversation port over Slack's Web API, bound to the channel (and thread) of one request. */
export class SlackSurface implements ConversationSurface {
  constructor(
    private readonly client: WebClient,
    private readonly where: { channel?: string; threadTs?: string },
  ) {}

  async postRoot(channel: string, view: View, options: PostOptions = {}): Promise<MessageRef> {
    const result = await this.client.chat
      .postMessage({ channel, ...renderMessage(view), ...keyed(options) })
      .catch(explainMembership);
    return { channel: result.channel ?? channel, id: required(result.ts, 'ts') };
  }

  async postInThread(root: MessageRef, view: View, options: PostOptions = {}): Promise<MessageRef> {
    const result = await this.client.chat.postMessage({
      channel: root.channel,
      thread_ts: root.id,
      ...renderMessage(view),
      ...keyed(options),
    });
    return { channel: result.channel ?? root.channel, id: required(result.ts, 'ts') };
  }

  /** The bot's post carrying `key` in its metadata: in the thread (replies) or the channel (history), since `sinceMs`. */
  async findPosted(
    where: { root: MessageRef } | { channel: string },
    key: string,
    sinceMs: number,
  ): Promise<MessageRef | undefined> {
    const at = 'root' in where ? { channel: where.root.channel, threadTs: where.root.id } : { channel: where.channel };
    try {
      return await findByMetadata(this.client, at, EFFECT_EVENT, key, sinceMs);
    } catch (error) {
      // Slack refused to say (a DM without im:history, a channel the bot left): post again rather than never.
      // A timeout or a network failure is thrown on, and the attempt is retried.
      if ((error as { data?: { error?: unknown } }).data?.error) return undefined;
      throw error;
    }
  }

  async update(ref: MessageRef, view: View): Promise<void> {
    await this.client.chat.update({ channel: ref.channel, ts: ref.id, ...renderMessage(view) });
  }

  async notifyUser(user: UserRef, view: View): Promise<void> {
    if (!this.where.channel) return;
    await this.client.chat.postEphemeral({
      channel: this.where.channel,
      user: user.id,
      ...(this.where.threadTs ? { thread_ts: this.where.threadTs } : {}),
      ...renderMessage(view),
    });
  }

  async postToChannel(channel: string, view: View, options: PostOptions = {}): Promise<MessageRef> {
    return this.postRoot(channel, view, options);
  }

  async linkTo(ref: MessageRef): Promise<string | undefined> {
    const result = await this.client.chat.getPermalink({ channel: ref.channel, message_ts: ref.id });
    return result.permalink;
  }

  /** Uploads into the thread of `root`, or into the channel itself when no message id is given. */
  async uploadFile(
    root: { channel: string; id?: string },
    file: { filename: string; title: string; content: string },
  ): Promise<void> {
    const upload = { channel_id: root.channel, filename: file.filename, title: file.title, content: file.content };
    await this.client.filesUploadV2(root.id ? { ...upload, thread_ts: root.id } : upload);
  }
}

/** Marks the bot's effect posts, so a retry can find what an earlier attempt posted. */
const EFFECT_EVENT = 'aiprocure_effect';

const keyed = (options: PostOptions) => keyedMetadata(EFFECT_EVENT, options.key);

/**
 * The bot reads thread replies and posts summaries only where it is a member: a channel it was never invited to
 * answers not_in_channel (or, if private, channel_not_found). Say how to fix that, where the user is looking.
 */
export function explainMembership(error: unknown): never {
  const code = (error as { data?: { error?: unknown } }).data?.error;
  if (code === 'not_in_channel' || code === 'channel_not_found') {
    throw new DomainError(
      'forbidden',
      'I am not a member of that channel yet. Add me with /invite @aiprocure in the channel, then try again.',
    );
  }
  throw error;
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`Slack answered without ${name}`);
  return value;
}
