import type { ConversationSurface } from '../../src/core/ports.js';
import type { MessageRef } from '../../src/core/triage/dialogue.js';
import { plainText, type UserRef, type View } from '../../src/core/view.js';

/** A ConversationSurface that keeps what the core asked it to post, for unit tests of services that post. */
export class RecordingSurface implements ConversationSurface {
  readonly posts: { channel: string; text: string; kind: string }[] = [];
  private seq = 0;

  constructor(private readonly refuse: (channel: string) => boolean = () => false) {}

  private record(kind: string, channel: string, view: View): MessageRef {
    if (this.refuse(channel)) throw new Error(`not_in_channel: ${channel}`);
    const text = view.blocks.map((b) => ('content' in b ? plainText(b.content) : '')).join('\n');
    this.posts.push({ channel, text, kind });
    return { channel, id: String(++this.seq) };
  }

  async postRoot(channel: string, view: View) {
    return this.record('root', channel, view);
  }
  async postInThread(root: MessageRef, view: View) {
    return this.record('thread', root.channel, view);
  }
  async update(ref: MessageRef, view: View) {
    this.record('update', ref.channel, view);
  }
  async notifyUser(user: UserRef, view: View) {
    this.record(`notify:${user.id}`, 'dm', view);
  }
  async postToChannel(channel: string, view: View) {
    return this.record('channel', channel, view);
  }
  async linkTo() {
    return undefined;
  }
  async uploadFile(root: MessageRef) {
    this.record('file', root.channel, { fallback: 'file', blocks: [] });
  }
}
