/** The commons' parts: the review step's redaction, and the feed's signatures as a subscriber checks them. */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildFeed } from '../../src/commons/feed.js';
import { HttpFeedReader, isInternalAddress, verifiedItem } from '../../src/commons/reader.js';
import { CommonsKeys, keyIdOf } from '../../src/commons/signing.js';
import { canonicalJson } from '../../src/core/canonical-json.js';
import type { SharedLesson, Subscription } from '../../src/core/lessons/commons.js';
import { CommonsService } from '../../src/core/lessons/commons-service.js';
import { describeRemoved, REDACT_INPUT_MAX, redact } from '../../src/core/lessons/redact.js';
import type { Records } from '../../src/store/records.js';

describe('the review step takes personal data out', () => {
  it('removes addresses, numbers, mentions and titled names, and says what it took', () => {
    const { text, removed } = redact(
      'Mrs Patel (jo.bloggs@council.gov.uk, 07700 900123) asked <@U123ABC> about case QQ 12 34 56 C at SW1A 1AA; ' +
        'see https://docs.example.org/case?id=991&name=jo#top for the 2026-04-01 letter about £450,000.',
    );
    expect(text).toBe(
      '[name removed] ([email removed], [phone removed]) asked [name removed] about case [ID removed] at ' +
        '[postcode removed]; see https://docs.example.org/case for the 2026-04-01 letter about £450,000.',
    );
    expect(describeRemoved(removed)).toBe(
      '1 email address, 1 phone number, 1 mention, 1 name, 1 National Insurance number, 1 postcode, 1 link query string',
    );
  });

  it('takes a whole titled name, any labelled mention, and lower-case postcodes and NI numbers', () => {
    const { text } = redact(
      "MR O'BRIEN and Dr Bowes-Lyon met <@U1|jo bloggs> at sw1a 1aa (ab 12 34 56 c); the MS Teams call was fine.",
    );
    expect(text).toBe(
      '[name removed] and [name removed] met [name removed] at [postcode removed] ([ID removed]); the MS Teams call was fine.',
    );
  });

  it('removes the names the bot knows as whole words, in any case, and leaves other words alone', () => {
    const { text, removed } = redact('ANA LOPEZ signed off; Lopez said Anastasia agreed, and so did ana.', [
      'Ana Lopez',
    ]);
    expect(text).toBe('[name removed] signed off; [name removed] said Anastasia agreed, and so did [name removed].');
    expect(removed.name).toBe(3);
    expect(redact('Bloggs said so', ['jo.bloggs']).text).toBe('[name removed] said so');
    expect(describeRemoved(redact('Nothing personal in here, K1 at 99.5%.').removed)).toBeUndefined();
  });

  it('reads a capped length of text, so a huge paste costs no more than the cap', () => {
    const started = performance.now();
    const { text } = redact(`${'1 '.repeat(500_000)}x@${'a.'.repeat(500_000)}`);
    expect(text.length).toBeLessThanOrEqual(REDACT_INPUT_MAX);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

/** A store of one key, as Records would keep it. */
function memoryRecords(): Records {
  const data = new Map<string, unknown>();
  return {
    get: async (key: string, schema: { parse: (v: unknown) => unknown }) =>
      data.has(key) ? schema.parse(data.get(key)) : undefined,
    set: async (key: string, value: unknown) => {
      data.set(key, value);
    },
  } as unknown as Records;
}
const noLock = { withLock: <T>(_key: string, work: () => Promise<T>) => work() };

const SHARED: SharedLesson = {
  v: 1,
  id: 'L-0000A1',
  tenant: 't',
  happened: 'Drift went unnoticed',
  differently: 'A monthly drift KPI',
  tags: { domains: ['benefits'], stage: 'live', outcome: 'failed', supplier: 'Acme Analytics' },
  sharedBy: { id: 'UANA', name: 'Ana Lopez' },
  sharedAt: '2026-04-01T09:00:00.000Z',
};

/** A subscription to `url` with `key` pinned, as subscribing would have stored it. */
function subscriptionTo(url: string, key: { publicPem: string; keyId: string }): Subscription {
  return {
    v: 1,
    id: 's',
    tenant: 't',
    url,
    org: 'Northshire',
    publicKey: key.publicPem,
    keyId: key.keyId,
    lessons: [],
    refused: 0,
    addedBy: { id: 'U1' },
    addedAt: SHARED.sharedAt,
  };
}

describe('signed feed items', () => {
  it('verifies with the pinned key, and refuses an edit, another key or another organisation', async () => {
    const keys = new CommonsKeys(memoryRecords(), noLock);
    const key = await keys.get();
    expect(await keys.get()).toBe(key);
    const feed = await buildFeed({ org: 'Northshire', shared: [SHARED], keys });
    const item = feed.items[0]!;
    expect(JSON.stringify(feed)).not.toContain('Ana Lopez');
    const pinned = { publicKey: key.publicPem, keyId: key.keyId, org: 'Northshire' };

    expect(verifiedItem(item.id, item._aiprocure, pinned)).toEqual({
      lesson: {
        id: 'L-0000A1',
        happened: 'Drift went unnoticed',
        differently: 'A monthly drift KPI',
        tags: SHARED.tags,
        at: SHARED.sharedAt,
        source: 'Northshire',
      },
    });
    const edited = { ...item._aiprocure, tags: { ...item._aiprocure.tags, outcome: 'worked' } };
    expect(verifiedItem(item.id, edited, pinned)).toEqual({ refused: 'bad signature' });
    expect(verifiedItem('L-0000B2', item._aiprocure, pinned)).toEqual({
      refused: 'item id does not match its signed id',
    });
    expect(verifiedItem(item.id, item._aiprocure, { ...pinned, org: 'Southshire' })).toEqual({
      refused: 'signed for another organisation',
    });
    const other = generateKeyPairSync('ed25519').publicKey;
    const otherPem = other.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifiedItem(item.id, item._aiprocure, { ...pinned, publicKey: otherPem })).toEqual({
      refused: 'bad signature',
    });
    expect(verifiedItem(item.id, item._aiprocure, { ...pinned, keyId: keyIdOf(other) })).toEqual({
      refused: 'signed with another key',
    });
    expect(verifiedItem(item.id, { ...item._aiprocure, happened: 'x'.repeat(5000) }, pinned)).toEqual({
      refused: 'unreadable item',
    });
  });

  it('keeps one copy of an item a feed repeats, and refuses the rest', async () => {
    const keys = new CommonsKeys(memoryRecords(), noLock);
    const key = await keys.get();
    const feed = await buildFeed({ org: 'Northshire', shared: [SHARED], keys });
    const doubled = { ...feed, items: [feed.items[0], feed.items[0], feed.items[0]] };
    const reader = new HttpFeedReader({
      timeoutMs: 1000,
      publicOnly: false,
      fetch: async () => new Response(JSON.stringify(doubled), { status: 200, headers: { ETag: '"v1"' } }),
    });
    const pulled = await reader.pull(subscriptionTo('https://feeds.example.org/commons/feed.json', key));
    expect(pulled).toMatchObject({ kind: 'changed', refused: 2, refusedWhy: 'an id the feed repeats', etag: '"v1"' });
    expect(pulled.kind === 'changed' && pulled.lessons.map((l) => l.id)).toEqual(['L-0000A1']);
  });

  it('connects to the address it checked, with the feed host as Host, and refuses a redirect', async () => {
    const keys = new CommonsKeys(memoryRecords(), noLock);
    const key = await keys.get();
    const body = JSON.stringify(await buildFeed({ org: 'Northshire', shared: [SHARED], keys }));
    const hosts: string[] = [];
    const server = createServer((req, res) => {
      hosts.push(req.headers.host ?? '');
      if (req.url === '/moved/feed.json') res.writeHead(302, { Location: 'http://169.254.169.254/' }).end();
      else if (req.headers['if-none-match'] === '"v1"') res.writeHead(304).end();
      else res.writeHead(200, { ETag: '"v1"', 'Content-Type': 'application/feed+json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    // DNS would say anything for this name; the reader connects only to what its lookup gave and it checked.
    const reader = new HttpFeedReader({
      timeoutMs: 2000,
      publicOnly: true,
      lookup: async () => ['127.0.0.1'],
      internal: () => false,
      fetch: () => Promise.reject(new Error('fetch is not used for public feeds')),
    });
    const subscription = subscriptionTo(`http://feeds.example.org:${port}/commons/feed.json`, key);
    try {
      const first = await reader.pull(subscription);
      expect(first).toMatchObject({ kind: 'changed', refused: 0, etag: '"v1"' });
      expect(await reader.pull({ ...subscription, etag: '"v1"' })).toEqual({ kind: 'unchanged' });
      await expect(
        reader.pull({ ...subscription, url: `http://feeds.example.org:${port}/moved/feed.json` }),
      ).rejects.toThrow('could not be reached');
      expect(hosts).toEqual(Array(3).fill(`feeds.example.org:${port}`));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('knows the internal addresses a feed may not be read from', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ]) {
      expect(isInternalAddress(ip), ip).toBe(true);
    }
    for (const ip of ['81.2.69.160', '2a00:1450:4009:81d::200e', '8.8.8.8'])
      expect(isInternalAddress(ip), ip).toBe(false);
  });

  it('keeps one key across restarts, from the store or from COMMONS_PRIVATE_KEY', async () => {
    const records = memoryRecords();
    const first = await new CommonsKeys(records, noLock).get();
    expect((await new CommonsKeys(records, noLock).get()).keyId).toBe(first.keyId);
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const configured = await new CommonsKeys(records, noLock, pem).get();
    expect(configured.keyId).not.toBe(first.keyId);
  });

  it('signs canonical JSON: the same value in any key order gives the same bytes', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });
});

describe('the share review form', () => {
  const lesson = {
    v: 1 as const,
    id: 'L-0000C3',
    tenant: 't',
    happened: 'Mail a@b.co '.repeat(160).trim(),
    differently: 'Ask first',
    tags: { domains: [], stage: 'live' as const, outcome: 'failed' as const },
    by: { id: 'U1' },
    at: '2026-04-01T09:00:00.000Z',
  };
  const service = new CommonsService({
    commons: {} as never,
    lessons: { get: async () => lesson, save: async () => undefined, listByTenant: async () => [lesson] },
    reader: {} as never,
    history: { record: async () => ({}) } as never,
    access: { require: async () => undefined, knownPeople: async () => [] } as never,
    clock: { now: () => new Date('2026-04-02T00:00:00Z') },
    locker: noLock,
    publishing: { org: 'Northshire', mayPublish: () => true, feedUrl: () => undefined, keyId: async () => 'k' },
    allowHttp: false,
    idOf: (url) => url,
  });

  const admin = { id: 'UADMIN', facts: async () => ({ role: 'admin' as const, guest: false }) } as never;

  it('never offers or accepts a text longer than the field once the marks are in', async () => {
    const form = await service.shareFormFor('t', admin, lesson.id);
    const field = form.fields.find((f) => f.id === 'happened');
    expect(field?.kind === 'text' && (field.initial ?? '').length).toBe(2000);
    const result = await service.share('t', admin, lesson.id, {
      happened: lesson.happened,
      differently: 'Ask first',
      reviewed: 'checked',
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.form.errors?.happened).toMatch(/^Keep it under 2000 characters/);
  });
});
