import type { OutboxIndex } from '../core/ports.js';
import type { Records } from './records.js';

const SET = 'sys:outbox';

/** The records that owe platform effects, in one sorted set scored by when each is next due. */
export class SetOutboxIndex implements OutboxIndex {
  constructor(private readonly records: Records) {}

  schedule(member: string, dueAt: number): Promise<void> {
    return this.records.sets.add(SET, [{ member, score: dueAt }]);
  }

  done(member: string): Promise<void> {
    return this.records.sets.remove(SET, [member]);
  }

  async due(now: number, limit: number): Promise<Array<{ member: string; dueAt: number }>> {
    return (await this.records.sets.due(SET, { max: now, limit })).map((e) => ({ member: e.member, dueAt: e.score }));
  }

  async depth(): Promise<{ count: number; oldestDueAt?: number }> {
    const [count, [oldest]] = await Promise.all([
      this.records.sets.count(SET),
      this.records.sets.due(SET, { max: Number.MAX_SAFE_INTEGER, limit: 1 }),
    ]);
    return { count, ...(oldest ? { oldestDueAt: oldest.score } : {}) };
  }
}
