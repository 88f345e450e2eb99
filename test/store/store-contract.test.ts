import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StoreUnavailableError } from '../../src/core/errors.js';
import { verifyHistory } from '../../src/core/history/verify.js';
import type { Dialogue } from '../../src/core/triage/dialogue.js';
import { KeyvContractRepository } from '../../src/store/contract-repository.js';
import { KeyvConversationReferenceRepository } from '../../src/store/conversation-reference-repository.js';
import { Deduper } from '../../src/store/dedupe.js';
import { KeyvDialogueRepository } from '../../src/store/dialogue-repository.js';
import { KeyvHistoryRepository } from '../../src/store/history-repository.js';
import { StoreLocker } from '../../src/store/locks.js';
import { openStore, type StoreHandle } from '../../src/store/open-store.js';
import { Records } from '../../src/store/records.js';
import { allMembers } from '../../src/store/sets.js';
import { KeyvSettingsRepository } from '../../src/store/settings-repository.js';
import { backends, quietLogger, testNamespace } from '../helpers/backends.js';
import { makeContract } from '../unit/contracts/helpers.js';

const Note = z.object({ text: z.string(), n: z.number() });

/** How many rows hold `key` in the backend itself, beneath Keyv (which hides expired rows it reads). */
async function rawRows(name: string, url: string, key: string): Promise<number> {
  if (name === 'sqlite') {
    const db = new Database(url.replace(/^sqlite:\/\//, ''), { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM keyv WHERE key = ?').get(key) as { n: number }).n;
    } finally {
      db.close();
    }
  }
  if (name === 'postgres') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return Number((await client.query('SELECT count(*) AS n FROM aiprocure_kv WHERE key = $1', [key])).rows[0].n);
    } finally {
      await client.end();
    }
  }
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await redis.exists(key);
  } finally {
    redis.disconnect();
  }
}

function dialogue(tenant: string, id: string): Dialogue {
  return {
    v: 1,
    id,
    tenant,
    platform: 'slack',
    title: 'Chatbot for council tax',
    startedBy: { id: 'U1', name: 'ana' },
    startedAt: new Date(0).toISOString(),
    pack: { id: 'default', version: '1', hash: 'abc' },
    channel: 'C1',
    answers: {},
    order: [],
    current: 'role',
    step: 0,
    status: 'open',
    events: [],
  };
}

describe.each(backends)('store contract: $name', ({ name, url }) => {
  let store: StoreHandle;
  let sharedUrl = '';
  let second: StoreHandle;
  let records: Records;
  let otherReplica: Records;
  const namespace = testNamespace();

  beforeAll(async () => {
    const shared = url();
    sharedUrl = shared;
    store = await openStore(shared, { logger: quietLogger, namespace });
    // A second connection to the same store stands in for another replica.
    second = await openStore(shared, { logger: quietLogger, namespace });
    records = new Records(store);
    otherReplica = new Records(second);
  });

  afterAll(async () => {
    await store.keyv.clear();
    await second.close().catch(() => undefined);
    await store.close().catch(() => undefined);
  });

  it('stores and reads back a validated record, and deletes it', async () => {
    await records.set('t:x:note:1', { text: 'hello', n: 1 });
    expect(await records.get('t:x:note:1', Note)).toEqual({ text: 'hello', n: 1 });
    expect(await otherReplica.get('t:x:note:1', Note)).toEqual({ text: 'hello', n: 1 });
    await records.delete('t:x:note:1');
    expect(await records.get('t:x:note:1', Note)).toBeUndefined();
  });

  it('refuses a stored record that does not match its schema, naming the key', async () => {
    await records.set('t:x:note:bad', { text: 42 });
    await expect(records.get('t:x:note:bad', Note)).rejects.toThrow(/t:x:note:bad/);
  });

  it('lets exactly one of many concurrent claimants win, across replicas', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? records : otherReplica).claim('race', `token-${i}`, 5000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('frees a claim when it expires or its holder releases it, but not for another token', async () => {
    expect(await records.claim('short', 'a', 150)).toBe(true);
    expect(await records.claim('short', 'b', 150)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await records.claim('short', 'b', 5000)).toBe(true);
    await records.release('short', 'a');
    expect(await records.claim('short', 'c', 5000)).toBe(false);
    await records.release('short', 'b');
    expect(await records.claim('short', 'c', 5000)).toBe(true);
  });

  it('renews a live claim past its lease, but not one that was lost', async () => {
    expect(await records.claim('lease', 'a', 200)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await records.renew('lease', 'a', 200)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // 270 ms after the claim, the renewed lease still holds.
    expect(await otherReplica.claim('lease', 'b', 200)).toBe(false);
    expect(await otherReplica.renew('lease', 'b', 200)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await records.renew('lease', 'a', 200)).toBe(false);
    expect(await otherReplica.claim('lease', 'b', 200)).toBe(true);
  });

  it('keeps a lock whose work outlasts its lease from being taken by another replica', async () => {
    const slow = new StoreLocker(records, { ttlMs: 300, waitMs: 5000 });
    const other = new StoreLocker(otherReplica, { ttlMs: 300, waitMs: 5000 });
    const order: string[] = [];
    const first = slow.withLock('long', async () => {
      order.push('first starts');
      await new Promise((resolve) => setTimeout(resolve, 900));
      order.push('first ends');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = other.withLock('long', async () => {
      order.push('second runs');
    });
    await Promise.all([first, second]);
    expect(order).toEqual(['first starts', 'first ends', 'second runs']);
  });

  it('serialises work under one lock key across replicas, so no update is lost', async () => {
    const lockA = new StoreLocker(records, { ttlMs: 5000, waitMs: 20_000 });
    const lockB = new StoreLocker(otherReplica, { ttlMs: 5000, waitMs: 20_000 });
    await records.set('t:x:counter', { text: 'counter', n: 0 });
    const increments = Array.from({ length: 16 }, (_, i) =>
      (i % 2 ? lockA : lockB).withLock('counter', async () => {
        const current = await records.get('t:x:counter', Note);
        await new Promise((resolve) => setTimeout(resolve, 2));
        await otherReplica.set('t:x:counter', { text: 'counter', n: (current?.n ?? 0) + 1 });
      }),
    );
    await Promise.all(increments);
    expect((await records.get('t:x:counter', Note))?.n).toBe(16);
  });

  it('keeps sorted sets: lists page in byte order, queues come due by score, replicas see the same', async () => {
    const ids = ['b-2', 'a-1', 'B-0', 'c:3', 'a-10', 'é-4'];
    await records.sets.add(
      'list',
      ids.map((member) => ({ member, score: 0 })),
    );
    await otherReplica.sets.add('list', [{ member: 'a-1', score: 0 }]);
    expect(await otherReplica.sets.count('list')).toBe(6);
    const first = await records.sets.members('list', { limit: 4 });
    expect(first).toEqual(['B-0', 'a-1', 'a-10', 'b-2']);
    expect(await otherReplica.sets.members('list', { after: first.at(-1), limit: 4 })).toEqual(['c:3', 'é-4']);
    await records.sets.remove('list', ['a-10', 'missing']);
    expect(await allMembers(otherReplica.sets, 'list', 2)).toEqual(['B-0', 'a-1', 'b-2', 'c:3', 'é-4']);

    await records.sets.add('queue', [
      { member: 'late', score: 3000 },
      { member: 'soon', score: 1000 },
      { member: 'now', score: 1000 },
    ]);
    expect(await otherReplica.sets.due('queue', { max: 2000, limit: 10 })).toEqual([
      { member: 'now', score: 1000 },
      { member: 'soon', score: 1000 },
    ]);
    await otherReplica.sets.add('queue', [{ member: 'soon', score: 5000 }]);
    expect((await records.sets.due('queue', { max: 4000, limit: 10 })).map((e) => e.member)).toEqual(['now', 'late']);
    expect(await records.sets.due('queue', { max: 4000, limit: 1 })).toHaveLength(1);
    expect(await records.sets.count('nothing')).toBe(0);
  });

  it('marks a delivery the first time only', async () => {
    const dedupe = new Deduper(records);
    const replica = new Deduper(otherReplica);
    expect(await dedupe.isFirstDelivery('slack_T1', 'Ev1')).toBe(true);
    expect(await replica.isFirstDelivery('slack_T1', 'Ev1')).toBe(false);
    expect(await dedupe.isFirstDelivery('slack_T2', 'Ev1')).toBe(true);
  });

  it('keeps each tenant’s dialogues and settings apart', async () => {
    const dialogues = new KeyvDialogueRepository(records);
    const settings = new KeyvSettingsRepository(records);
    await dialogues.save(dialogue('slack_TA', 'd1'));
    await settings.update('slack_TA', { procurementChannel: 'CPROC' });
    expect((await dialogues.get('slack_TA', 'd1'))?.title).toBe('Chatbot for council tax');
    expect(await dialogues.get('slack_TB', 'd1')).toBeUndefined();
    expect((await settings.get('slack_TA')).procurementChannel).toBe('CPROC');
    expect(await settings.get('slack_TB')).toEqual({});
  });

  it('completes a contract save that failed part-way when it is retried, listing nothing half-saved', async () => {
    let failures = 1;
    const registered: string[] = [];
    const contracts = new KeyvContractRepository(records, async (contract) => {
      if (failures-- > 0) throw new Error('store hiccup');
      registered.push(contract.channel);
    });
    const contract = makeContract({ id: 'C-SAVE01', tenant: 'slack_TSAVE', channel: 'CSAVE0001' });
    const ids = (list: { id: string }[]) => list.map((c) => c.id);

    // The channel's digest registration failed: its id is indexed, its record not yet written.
    await expect(contracts.save(contract)).rejects.toThrow('store hiccup');
    expect(await contracts.get(contract.tenant, contract.id)).toBeUndefined();
    expect(await contracts.listByTenant(contract.tenant)).toEqual([]);
    expect(await contracts.listByChannel(contract.tenant, contract.channel)).toEqual([]);

    // So a resubmit sees a new contract and registers the channel.
    await contracts.save(contract);
    expect(registered).toEqual([contract.channel]);
    expect(ids(await contracts.listByTenant(contract.tenant))).toEqual([contract.id]);
    expect(ids(await contracts.listByChannel(contract.tenant, contract.channel))).toEqual([contract.id]);
    expect(await contracts.tenantOf(contract.id)).toBe(contract.tenant);
  });

  it('keeps Teams conversation references per tenant, long conversation ids included', async () => {
    const references = new KeyvConversationReferenceRepository(records);
    const conversation = `19:${'a'.repeat(200)}@thread.tacv2;messageid=1712345678901`;
    const reference = {
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      channelId: 'msteams',
      conversation: { id: conversation, tenantId: 'tenant-a', conversationType: 'channel' },
      bot: { id: '28:bot', name: 'AI Procure' },
      timezone: 'Europe/London',
      updatedAt: new Date(0).toISOString(),
    };
    await references.save('teams_tenant-a', reference);
    expect(await references.get('teams_tenant-a', conversation)).toEqual(reference);
    expect(await references.get('teams_tenant-b', conversation)).toBeUndefined();
  });

  it('sweeps the expired rows Keyv leaves behind, and only those', async () => {
    await records.set('sweep:short', { text: 'gone soon', n: 1 }, 5);
    await records.set('sweep:long', { text: 'stays', n: 2 }, 60_000);
    await records.set('sweep:forever', { text: 'stays', n: 3 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    // KeyvRedis puts its own namespace prefix before Keyv's.
    const rowsLeft = async (key: string) =>
      rawRows(name, sharedUrl, `${name === 'redis' ? `${namespace}::` : ''}${namespace}:${key}`);
    // Redis expires keys itself; SQLite and PostgreSQL keep the row until something reads or sweeps it.
    expect(await rowsLeft('sweep:short')).toBe(name === 'redis' ? 0 : 1);
    const swept = await store.sweepExpired();
    expect(swept).toBeGreaterThanOrEqual(name === 'redis' ? 0 : 1);
    expect(await rowsLeft('sweep:short')).toBe(0);
    expect(await rowsLeft('sweep:long')).toBe(1);
    expect(await rowsLeft('sweep:forever')).toBe(1);
    expect(await records.get('sweep:long', Note)).toEqual({ text: 'stays', n: 2 });
    // Another namespace's expired rows are its own business.
    expect(await store.sweepExpired()).toBe(0);
  });

  it('keeps both history chains gapless when two replicas append at once, and they verify', async () => {
    const tenant = `slack_${namespace}`;
    const repository = (r: Records) => new KeyvHistoryRepository(r, new StoreLocker(r, { crossProcess: true }));
    const replicas = [repository(records), repository(otherReplica)];
    const by = { platform: 'slack' as const, id: 'U1', name: 'ana' };
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        replicas[i % 2]!.append(tenant, {
          record: `dialogue:D${i % 3}`,
          at: new Date(i * 1000).toISOString(),
          by,
          kind: 'triage.answered',
          data: { i },
        }),
      ),
    );
    const report = await verifyHistory(replicas[1]!, tenant);
    expect(report).toMatchObject({ ok: true, records: 3, events: 40 });
    expect((await replicas[0]!.chainHead(tenant))?.n).toBe(40);
    expect((await replicas[0]!.head(tenant, 'dialogue:D0'))?.seq).toBe(14);
    // What was written reads back valid, on this backend.
    const events = await replicas[0]!.events(tenant, 'dialogue:D1', 1, 13);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  });
});

describe('an unreachable store', () => {
  it.each([
    ['redis', 'redis://127.0.0.1:1'],
    ['postgres', 'postgres://postgres@127.0.0.1:1/test'],
  ])('%s: fails fast with StoreUnavailableError instead of hanging', async (_name, url) => {
    const store = await openStore(url, { logger: quietLogger, namespace: testNamespace() });
    const records = new Records(store, 2500);
    const started = Date.now();
    await expect(records.get('t:x:anything', Note)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(records.claim('anything', 'a', 1000)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(6000);
    await store.close().catch(() => undefined);
  });
});
