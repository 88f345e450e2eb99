import type { DueIndex } from '../core/ports.js';
import type { Records } from './records.js';

/** A DueIndex on one of the store's sorted sets: `sys:outbox` (effects owed), `sys:retention` (expiry checks). */
export class SetDueIndex implements DueIndex {
  constructor(
    private readonly records: Records,
    private readonly set: string,
  ) {}

  schedule(member: string, dueAt: number): Promise<void> {
    return this.records.sets.add(this.set, [{ member, score: dueAt }]);
  }

  done(member: string): Promise<void> {
    return this.records.sets.remove(this.set, [member]);
  }

  async due(now: number, limit: number): Promise<Array<{ member: string; dueAt: number }>> {
    return (await this.records.sets.due(this.set, { max: now, limit })).map((e) => ({
      member: e.member,
      dueAt: e.score,
    }));
  }

  async depth(): Promise<{ count: number; oldestDueAt?: number }> {
    const [count, [oldest]] = await Promise.all([
      this.records.sets.count(this.set),
      this.records.sets.due(this.set, { max: Number.MAX_SAFE_INTEGER, limit: 1 }),
    ]);
    return { count, ...(oldest ? { oldestDueAt: oldest.score } : {}) };
  }
}
