import { describe, expect, it } from 'vitest';
import { canonicalJson, type HistoryEvent, hashOf } from '../../src/core/history/event.js';
import { recordIds } from '../../src/core/history/recorder.js';
import { verifyHistory } from '../../src/core/history/verify.js';
import { actorOf } from '../helpers/access.js';
import { memoryHistory } from '../helpers/history.js';

const TENANT = 'slack_T1';
const ANA = actorOf({ id: 'U1', name: 'ana' });

async function written() {
  const { history, repository, records } = memoryHistory();
  const dialogue = recordIds.dialogue('D1');
  await history.record(TENANT, dialogue, ANA, 'triage.started', { title: 'Chatbot' }, 'p'.repeat(64));
  await history.record(TENANT, recordIds.settings, ANA, 'settings.hour', { digestHour: 9 });
  await history.record(TENANT, dialogue, ANA, 'triage.answered', { questionId: 'role', value: 'x' }, 'p'.repeat(64));
  await history.record(TENANT, dialogue, { system: 'scheduler' }, 'triage.note');
  /** Rewrites one stored event under its own key, as someone with access to the store could. */
  const overwrite = (event: HistoryEvent) => records.set(`t:${TENANT}:hist:${event.record}:${event.seq}`, event);
  const setHead = (record: string, head: { seq: number; hash: string }) =>
    records.set(`t:${TENANT}:hist-head:${record}`, head);
  return { history, repository, dialogue, overwrite, setHead };
}

describe('history chains', () => {
  it('hash the same value the same way, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"e":3,"f":2}]},"b":1}',
    );
    expect(hashOf({ a: 1, b: 2, hash: 'x' })).toBe(hashOf({ b: 2, a: 1 }));
  });

  it('verify, with the tenant chain head to hand over', async () => {
    const { repository } = await written();
    const report = await verifyHistory(repository, TENANT);
    expect(report).toMatchObject({ ok: true, records: 2, events: 4 });
    expect(report.head).toMatch(/^[0-9a-f]{64}$/);
    expect((await repository.events(TENANT, 'dialogue:D1', 3, 3))[0]?.by).toEqual({
      platform: 'system',
      id: 'scheduler',
    });
  });

  it('name a changed event', async () => {
    const { repository, dialogue, overwrite } = await written();
    const [event] = await repository.events(TENANT, dialogue, 2, 2);
    await overwrite({ ...event!, by: { platform: 'slack', id: 'U2' } });
    expect((await verifyHistory(repository, TENANT)).problem).toBe(
      'record dialogue:D1: event #2 was changed after it was written',
    );
  });

  it('name an event re-hashed to hide a change, by the link after it', async () => {
    const { repository, dialogue, overwrite } = await written();
    const [event] = await repository.events(TENANT, dialogue, 2, 2);
    const forged = { ...event!, data: { questionId: 'role', value: 'y' } };
    await overwrite({ ...forged, hash: hashOf(forged) });
    expect((await verifyHistory(repository, TENANT)).problem).toBe(
      'record dialogue:D1: event #3 does not follow the event before it',
    );
  });

  it('name an event added at the end without the tenant chain', async () => {
    const { repository, dialogue, overwrite, setHead } = await written();
    const [last] = await repository.events(TENANT, dialogue, 3, 3);
    const added = { ...last!, seq: 4, prev: last!.hash, kind: 'triage.answered' };
    await overwrite({ ...added, hash: hashOf(added) });
    await setHead(dialogue, { seq: 4, hash: hashOf(added) });
    expect((await verifyHistory(repository, TENANT)).problem).toBe(
      'record dialogue:D1: event #4 is not in the tenant chain (a write cut short, or added later)',
    );
  });

  it('name events cut from the end of a record', async () => {
    const { repository, dialogue, setHead } = await written();
    const [second] = await repository.events(TENANT, dialogue, 2, 2);
    await setHead(dialogue, { seq: 2, hash: second!.hash });
    expect((await verifyHistory(repository, TENANT)).problem).toBe(
      'record dialogue:D1: events after #2 were removed (the tenant chain lists #3)',
    );
  });

  it('stay gapless when a sole writer appends many at once without a lock', async () => {
    const { history, repository } = memoryHistory(undefined, { soleWriter: true });
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        history.record(TENANT, recordIds.dialogue(`D${i % 7}`), ANA, 'triage.answered', { i }),
      ),
    );
    expect(await verifyHistory(repository, TENANT)).toMatchObject({ ok: true, records: 7, events: 300 });
    expect((await repository.chainHead(TENANT))?.n).toBe(300);
  });
});
