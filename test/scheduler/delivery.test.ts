/**
 * The exactly-once delivery of one digest (`deliverOccurrence`) against the real store and the real posters the
 * service composes: Slack through the fake Web API (message metadata, history, 429s), Teams through the fake Bot
 * Connector (no history: at-least-once), and the per-channel pacing every replica shares.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Contract } from '../../src/core/contracts/contract.js';
import { systemClock } from '../../src/core/ports.js';
import { digestBuilder } from '../../src/scheduler/build.js';
import { type DeliveryDeps, deliverOccurrence } from '../../src/scheduler/deliver.js';
import { dueOccurrences } from '../../src/scheduler/plan.js';
import { type ChannelPoster, type DigestOccurrence, occurrenceKey } from '../../src/scheduler/types.js';
import { KPI_COMMANDS, type RunningService } from '../../src/service.js';
import { KeyvConversationReferenceRepository } from '../../src/store/conversation-reference-repository.js';
import { StoreLocker } from '../../src/store/locks.js';
import { openStore } from '../../src/store/open-store.js';
import { Pacer } from '../../src/store/pacer.js';
import { Records } from '../../src/store/records.js';
import { KeyvSettingsRepository } from '../../src/store/settings-repository.js';
import { quietLogger, REDIS_URL, testNamespace } from '../helpers/backends.js';
import { SlackHarness } from '../helpers/slack-harness.js';
import { TeamsHarness } from '../helpers/teams-harness.js';
import { BOT, CHANNEL_ID, TENANT_ID } from '../support/teams-activities.js';
import { makeContract } from '../unit/contracts/helpers.js';
import { digestPosts, metadataKey } from './stack.js';

const SLACK_TENANT = 'slack_T111';
const CHANNEL = 'CPROCURE1';
/** The default contract (from 1 Apr 2026) has its first monthly review on 1 May: "due this week" on 28 Apr. */
const DAY_WITH_ITEMS = '2026-04-28';
/** Nothing falls due between 10 and 17 April. */
const QUIET_DAY = '2026-04-10';

function occurrence(contract: Pick<Contract, 'tenant' | 'platform' | 'channel'>, date: string): DigestOccurrence {
  const target = { tenant: contract.tenant, platform: contract.platform, channel: contract.channel };
  return { ...target, date, key: occurrenceKey(target, date) };
}

/** What the scheduler hands `deliverOccurrence` in src/service.ts (short-lease lock, the channel's poster). */
function deliveryDeps(service: RunningService, posters: DeliveryDeps['posters']): DeliveryDeps {
  const records = new Records(service.store);
  return {
    digests: service.digests,
    locker: new StoreLocker(records, { crossProcess: service.store.kind !== 'sqlite', ttlMs: 15_000, waitMs: 30_000 }),
    posters,
    build: digestBuilder(service.settings, service.contracts, KPI_COMMANDS),
    // Real time: Slack's message timestamps (which findPosted compares with) are real time.
    clock: systemClock,
    logger: quietLogger,
    admins: (tenant) => service.access.adminsOf(tenant),
  };
}

/** A poster that dies just after the platform accepted the post, before the delivery could record it. */
function crashesAfterPosting(poster: ChannelPoster): ChannelPoster {
  return {
    post: async (target, view, options) => {
      await poster.post(target, view, options);
      throw new Error('process killed after posting');
    },
    tell: (tenant, people, view) => poster.tell(tenant, people, view),
  };
}

describe('delivering a Slack digest', () => {
  let slack: SlackHarness;
  let service: RunningService;
  let deps: DeliveryDeps;

  beforeEach(async () => {
    slack = await SlackHarness.start();
    service = slack.service!;
    deps = deliveryDeps(service, { slack: service.slack!.poster });
  });

  afterEach(async () => {
    await slack?.close();
  });

  const save = (overrides: Partial<Contract> = {}) => {
    const contract = makeContract({ tenant: SLACK_TENANT, channel: CHANNEL, ...overrides });
    return service.contractRepository.save(contract).then(() => contract);
  };

  it('after a crash between posting and recording it, finds the post in the channel and does not post again', async () => {
    const contract = await save();
    const due = occurrence(contract, DAY_WITH_ITEMS);

    await expect(
      deliverOccurrence(due, { ...deps, posters: { slack: crashesAfterPosting(service.slack!.poster) } }),
    ).rejects.toThrow('process killed');
    expect(await service.digests.occurrence(due, due.date)).toMatchObject({ state: 'posting' });
    expect(digestPosts(slack.fake)).toHaveLength(1);

    expect(await deliverOccurrence(due, deps)).toBe('recovered');
    expect(await deliverOccurrence(due, deps)).toBe('already');

    const posts = digestPosts(slack.fake);
    expect(posts).toHaveLength(1);
    expect(metadataKey(posts[0]!)).toBe(due.key);
    expect(slack.fake.callsOf('conversations.history')).toHaveLength(1);
    expect(await service.digests.occurrence(due, due.date)).toMatchObject({
      state: 'sent',
      message: { channel: CHANNEL, id: String(posts[0]!.response.ts) },
    });
    expect(await service.digests.lastSent(due)).toBe(due.date);
  });

  it('posts outside the occurrence lock: a second attempt meanwhile gives way, and the digest goes out once', async () => {
    const contract = await save();
    const due = occurrence(contract, DAY_WITH_ITEMS);
    const real = service.slack!.poster;
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let posting!: () => void;
    const inPost = new Promise<void>((resolve) => {
      posting = resolve;
    });
    const slow: ChannelPoster = {
      ...deliveryDeps(service, { slack: real }).posters.slack!,
      post: async (target, view, options) => {
        posting();
        await released;
        return real.post(target, view, options);
      },
    };
    const first = deliverOccurrence(due, { ...deps, posters: { slack: slow } });
    await inPost;
    // The lock is free while the post is in hand…
    const started = Date.now();
    await deps.locker.withLock(`digest:${due.key}`, async () => undefined);
    expect(Date.now() - started).toBeLessThan(500);
    // …and the "posting" claim keeps a second attempt from posting too.
    await expect(deliverOccurrence(due, deps)).rejects.toThrow('being posted by another attempt');
    release();
    expect(await first).toBe('sent');
    expect(digestPosts(slack.fake).map(metadataKey)).toEqual([due.key]);
  });

  it('when the interrupted attempt never reached Slack, the retry posts it once', async () => {
    const contract = await save();
    // Yesterday's digest is in the channel's history: it must not be mistaken for today's.
    const yesterday = occurrence(contract, '2026-04-27');
    expect(await deliverOccurrence(yesterday, deps)).toBe('sent');
    const due = occurrence(contract, DAY_WITH_ITEMS);
    await service.digests.setOccurrence(due, due.date, { state: 'posting', startedAt: Date.now() });

    expect(await deliverOccurrence(due, deps)).toBe('sent');
    expect(await deliverOccurrence(due, deps)).toBe('already');

    expect(digestPosts(slack.fake).map(metadataKey)).toEqual([yesterday.key, due.key]);
    expect(slack.fake.callsOf('conversations.history')).toHaveLength(1);
  });

  it('honours a 429 Retry-After: the digest arrives once, no sooner than a second later', async () => {
    const contract = await save();
    const due = occurrence(contract, DAY_WITH_ITEMS);
    slack.fake.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 1 });

    expect(await deliverOccurrence(due, deps)).toBe('sent');

    const attempts = slack.fake.callsOf('chat.postMessage');
    expect(attempts.map((call) => call.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(digestPosts(slack.fake).map(metadataKey)).toEqual([due.key]);
    expect(await service.digests.occurrence(due, due.date)).toMatchObject({ state: 'sent' });
  });

  it('posts at most once a second to a channel, without delaying other channels', async () => {
    const a = await save({ id: 'C-AAAAA1', channel: 'CPROCUREA' });
    const b = await save({ id: 'C-BBBBB1', channel: 'CPROCUREB' });

    // Two digests for one channel at once (a catch-up and today's, say), and one for another channel.
    await Promise.all([
      deliverOccurrence(occurrence(a, '2026-04-27'), deps),
      deliverOccurrence(occurrence(a, DAY_WITH_ITEMS), deps),
      deliverOccurrence(occurrence(b, DAY_WITH_ITEMS), deps),
    ]);

    const posts = digestPosts(slack.fake);
    expect(posts).toHaveLength(3);
    const at = (channel: string) => posts.filter((p) => p.args.channel === channel).map((p) => p.at);
    const [first, second] = at('CPROCUREA').sort((x, y) => x - y) as [number, number];
    // The claims are a second apart; what reaches Slack may be a little closer (the first post's own latency).
    expect(second - first).toBeGreaterThanOrEqual(800);
    // The other channel did not queue behind channel A's pacing.
    expect(at('CPROCUREB')[0]!).toBeLessThan(second);
  });

  it('marks a day with nothing due as empty and posts nothing', async () => {
    const contract = await save();
    const quiet = occurrence(contract, QUIET_DAY);

    expect(await deliverOccurrence(quiet, deps)).toBe('empty');
    expect(await deliverOccurrence(quiet, deps)).toBe('already');

    expect(slack.fake.callsOf('chat.postMessage')).toHaveLength(0);
    expect(await service.digests.occurrence(quiet, quiet.date)).toMatchObject({ state: 'empty' });
    // The planner owes the channel nothing more for that day (10 Apr, 15:00 in London).
    const owed = await dueOccurrences(new Date('2026-04-10T14:00:00Z'), {
      digests: service.digests,
      settings: new KeyvSettingsRepository(new Records(service.store)),
    });
    expect(owed).toEqual([]);
  });
});

describe('delivering a Teams digest', () => {
  let teams: TeamsHarness;

  beforeEach(async () => {
    teams = await TeamsHarness.start();
  });

  afterEach(async () => {
    await teams?.close();
  });

  it('has no history to consult: a crash after posting means one repeat, never a lost digest', async () => {
    const service = teams.service;
    const tenant = `teams_${TENANT_ID}`;
    const references = new KeyvConversationReferenceRepository(new Records(service.store));
    // The channel's reference, as the bot keeps it on hearing from the channel; its reader is in Honolulu.
    await references.save(tenant, {
      serviceUrl: teams.connector.url,
      channelId: 'msteams',
      conversation: { id: CHANNEL_ID, tenantId: TENANT_ID, conversationType: 'channel', isGroup: true },
      bot: { ...BOT },
      locale: 'en-GB',
      timezone: 'Pacific/Honolulu',
      updatedAt: new Date().toISOString(),
    });
    const contract = makeContract({ tenant, platform: 'teams', channel: CHANNEL_ID });
    await service.contractRepository.save(contract);
    const poster = service.teams!.poster;
    const deps = deliveryDeps(service, { teams: poster });
    const due = occurrence(contract, DAY_WITH_ITEMS);

    await expect(deliverOccurrence(due, { ...deps, posters: { teams: crashesAfterPosting(poster) } })).rejects.toThrow(
      'process killed',
    );
    expect(teams.connector.callsOf('create')).toHaveLength(1);

    expect(await deliverOccurrence(due, deps)).toBe('sent');
    expect(await deliverOccurrence(due, deps)).toBe('already');

    const posts = teams.connector.callsOf('create');
    expect(posts.map((call) => call.status)).toEqual([201, 201]);
    expect(teams.connector.violations).toEqual([]);
    const card = JSON.stringify(posts[1]!.body);
    expect(card).toContain('AI contract reminders');
    // Due 1 May at 09:00 in London is the evening of 30 April in Honolulu.
    expect(card).toContain('30 Apr 2026');
    expect(card).not.toContain('1 May 2026');
  });
});

describe('pacing across replicas', () => {
  it('lets one post a second into a channel whichever replica asks, and none wait for another channel', async () => {
    const namespace = testNamespace();
    const stores = await Promise.all([1, 2].map(() => openStore(REDIS_URL, { logger: quietLogger, namespace })));
    try {
      const [a, b] = stores.map((store) => new Pacer(new Records(store)));
      const started = Date.now();
      const turns = await Promise.all([
        a!.waitTurn(SLACK_TENANT, CHANNEL).then(() => Date.now() - started),
        b!.waitTurn(SLACK_TENANT, CHANNEL).then(() => Date.now() - started),
        b!.waitTurn(SLACK_TENANT, 'COTHER001').then(() => Date.now() - started),
      ]);
      const [one, two, other] = turns as [number, number, number];
      expect(Math.max(one, two) - Math.min(one, two)).toBeGreaterThanOrEqual(800);
      expect(other).toBeLessThan(Math.max(one, two));
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
