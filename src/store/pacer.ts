import { type Records, shortId } from './records.js';

/**
 * At most one post per interval per channel, across every replica: a post first claims `pace:<channel>` for the
 * interval (Redis `SET NX PX`, or the SQL claims table), waiting while another post holds it. Slack allows about
 * one message per second per channel.
 */
export class Pacer {
  constructor(
    private readonly records: Records,
    private readonly intervalMs = 1000,
  ) {}

  async waitTurn(tenant: string, channel: string): Promise<void> {
    const key = `t:${tenant}:pace:${shortId(channel)}`;
    const deadline = Date.now() + 60_000;
    while (!(await this.records.claim(key, '1', this.intervalMs))) {
      if (Date.now() > deadline) return; // never block a delivery forever on a stuck claim
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
    }
  }
}
