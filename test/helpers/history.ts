import Keyv from 'keyv';
import { History } from '../../src/core/history/recorder.js';
import { type Clock, systemClock } from '../../src/core/ports.js';
import type { Atomic } from '../../src/store/atomic.js';
import { KeyvHistoryRepository } from '../../src/store/history-repository.js';
import { StoreLocker } from '../../src/store/locks.js';
import { Records } from '../../src/store/records.js';
import { memorySets } from '../../src/store/sets.js';

/** One process, in memory: the in-process lock queue never claims anything in the store. */
const noClaims: Atomic = {
  claim: () => Promise.reject(new Error('in-memory history takes no store claims')),
  release: async () => undefined,
  renew: async () => false,
};

/** The real history repository on an in-memory Keyv, for unit tests of the services. */
export function memoryHistory(
  clock: Clock = systemClock,
  options: { soleWriter?: boolean } = {},
): {
  history: History;
  repository: KeyvHistoryRepository;
  /** The records underneath, for tests that tamper with them. */
  records: Records;
} {
  const records = new Records({ keyv: new Keyv(), atomic: noClaims, sets: memorySets() });
  const repository = new KeyvHistoryRepository(records, new StoreLocker(records, { crossProcess: false }), options);
  return { history: new History(repository, clock), repository, records };
}
