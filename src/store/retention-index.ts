import type { RetentionIndex } from '../core/ports.js';
import type { Records } from './records.js';

const SET = 'sys:retention';

/** Triages and contracts, scored by when the lifecycle sweep next looks at each. */
export class SetRetentionIndex implements RetentionIndex {
  constructor(private readonly records: Records) {}

  track(member: string, checkAt: number): Promise<void> {
    return this.records.sets.add(SET, [{ member, score: checkAt }]);
  }

  forget(member: string): Promise<void> {
    return this.records.sets.remove(SET, [member]);
  }

  async due(now: number, limit: number): Promise<Array<{ member: string; checkAt: number }>> {
    return (await this.records.sets.due(SET, { max: now, limit })).map((e) => ({ member: e.member, checkAt: e.score }));
  }
}
