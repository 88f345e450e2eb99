import type { WebClient } from '@slack/web-api';
import type { ConversationSurface } from '../../core/ports.js';
import type { MessageRef } from '../../core/triage/dialogue.js';
import type { UserRef, View } from '../../core/view.js';
import { renderMessage } from './render/blocks.js';

/** The core's conversation port over Slack's Web API, bound to the channel (and thread) of one request. */
export class SlackSurface implements ConversationSurface {
  constructor(
    private readonly client: WebClient,
    private readonly where: { channel?: string; threadTs?: string },
  ) {}

  async postRoot(channel: string, view: View): Promise<MessageRef> {
    const result = await this.client.chat.postMessage({ channel, ...renderMessage(view) });
    return { channel: result.channel ?? channel, id: required(result.ts, 'ts') };
  }

  async postInThread(root: MessageRef, view: View): Promise<MessageRef> {
    const result = await this.client.chat.postMessage({
      channel: root.channel,
      thread_ts: root.id,
      ...renderMessage(view),
    });
    return { channel: result.channel ?? root.channel, id: required(result.ts, 'ts') };
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

  async postToChannel(channel: string, view: View): Promise<MessageRef> {
    return this.postRoot(channel, view);
  }

  async linkTo(ref: MessageRef): Promise<string | undefined> {
    const result = await this.client.chat.getPermalink({ channel: ref.channel, message_ts: ref.id });
    return result.permalink;
  }

  async uploadFile(root: MessageRef, file: { filename: string; title: string; content: string }): Promise<void> {
    await this.client.filesUploadV2({
      channel_id: root.channel,
      thread_ts: root.id,
      filename: file.filename,
      title: file.title,
      content: file.content,
    });
  }
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`Slack answered without ${name}`);
  return value;
}
