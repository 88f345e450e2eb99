import { describe, expect, it } from 'vitest';
import { StoreLocker } from '../../src/store/locks.js';
import { openStore } from '../../src/store/open-store.js';
import { Records } from '../../src/store/records.js';
import { quietLogger, sqliteUrl } from '../helpers/backends.js';

describe('a lock held by work that never ends', () => {
  it.each([false, true])(
    'is let go after its maximum hold (claimed in the store: %s), and says so',
    async (crossProcess) => {
      const store = await openStore(sqliteUrl(), { logger: quietLogger });
      try {
        const overruns: string[] = [];
        const locker = new StoreLocker(new Records(store), {
          crossProcess,
          maxHoldMs: 200,
          onOverrun: (key) => overruns.push(key),
        });
        // A hung platform call: the promise never settles.
        void locker.withLock('dialogue:1', () => new Promise<never>(() => undefined));
        const started = Date.now();
        const next = await locker.withLock('dialogue:1', async () => 'done');
        expect(next).toBe('done');
        expect(Date.now() - started).toBeGreaterThanOrEqual(180);
        expect(Date.now() - started).toBeLessThan(2000);
        expect(overruns).toEqual(['dialogue:1']);
        // Work that finishes in time releases at once, with no overrun.
        const quick = Date.now();
        await locker.withLock('dialogue:2', async () => undefined);
        await locker.withLock('dialogue:2', async () => undefined);
        expect(Date.now() - quick).toBeLessThan(150);
        expect(overruns).toEqual(['dialogue:1']);
      } finally {
        await store.close();
      }
    },
  );
});
