import type { Card } from './render/cards.js';

/**
 * The answer to one card click (an `adaptiveCard/action` invoke). Teams waits for it, so it is settled as soon
 * as the core has decided what the clicker should see: the refreshed card, or a short message under the card
 * (Teams' nearest thing to an ephemeral note). Everything after that is posted proactively.
 */
export class InvokeReply {
  private settle!: (reply: Card | string) => void;
  private done = false;
  readonly promise: Promise<Card | string>;

  constructor(readonly replyToId: string | undefined) {
    this.promise = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  get pending(): boolean {
    return !this.done;
  }

  reply(value: Card | string): boolean {
    if (this.done) return false;
    this.done = true;
    this.settle(value);
    return true;
  }
}
