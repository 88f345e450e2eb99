/**
 * Teams digests across restarts and replicas: the real service (startService with Teams in local mode, scheduler
 * 'embedded', a moved clock) against the fake Bot Connector. Each procurement channel is set up as in Teams: someone
 * says "config channel" there, so the bot keeps the channel's conversation reference (its reader's zone and locale)
 * and the tenant's time zone. The service is stopped across digest hours and started again on one SQLite file; and
 * two services on one Redis namespace tick together.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, type LocalDate } from '../../src/core/contracts/calendar.js';
import type { Contract } from '../../src/core/contracts/contract.js';
import { EmbeddedScheduler } from '../../src/scheduler/embedded.js';
import type { DigestTarget } from '../../src/scheduler/types.js';
import type { RunningService } from '../../src/service.js';
import { REDIS_URL, sqliteUrl, testNamespace } from '../helpers/backends.js';
import { MutableClock } from '../helpers/clock.js';
import { TeamsHarness } from '../helpers/teams-harness.js';
import { cardsIn, validateCard } from '../support/adaptive-cards.js';
import { type ConnectorCall, type FakeConnector, startFakeConnector } from '../support/fake-connector.js';
import { channelMessage, postActivity } from '../support/teams-activities.js';
import { makeContract } from '../unit/contracts/helpers.js';
import { saveAll, teamsChannelOf, teamsChannelPosts } from './stack.js';

interface Tenant {
  aad: string;
  tenant: string;
  channel: string;
  /** The zone and locale of the person who configured the channel: the tenant's zone, and how cards read there. */
  timeZone: string;
  locale: 'en-GB' | 'en-US';
  digestHour: number;
}

const TENANTS: Tenant[] = [
  {
    aad: '7c2e9a10-0d4b-4f7e-8a51-3c9d2b7e0001',
    tenant: 'teams_7c2e9a10-0d4b-4f7e-8a51-3c9d2b7e0001',
    channel: '19:procurement-london@thread.tacv2',
    timeZone: 'Europe/London',
    locale: 'en-GB',
    digestHour: 9,
  },
  {
    aad: '7c2e9a10-0d4b-4f7e-8a51-3c9d2b7e0002',
    tenant: 'teams_7c2e9a10-0d4b-4f7e-8a51-3c9d2b7e0002',
    channel: '19:procurement-newyork@thread.tacv2',
    timeZone: 'America/New_York',
    locale: 'en-US',
    digestHour: 8,
  },
];

/** Each channel's contract has its first monthly review on 1 May and nobody records it: every day has a digest. */
const contracts: Contract[] = TENANTS.map((t, i) =>
  makeContract({
    id: `C-TMS00${i + 1}`,
    tenant: t.tenant,
    platform: 'teams',
    channel: t.channel,
    timeZone: t.timeZone,
  }),
);

const targetOf = (t: Tenant): DigestTarget => ({ tenant: t.tenant, platform: 'teams', channel: t.channel });

/** A local date as the card writes it in the channel's locale ("6 May 2026", "May 6, 2026"). */
function cardDate(date: LocalDate, t: Tenant): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const name = new Intl.DateTimeFormat(t.locale, { month: 'short', timeZone: 'UTC' }).format(
    Date.UTC(year, month - 1, 15),
  );
  return t.locale === 'en-US' ? `${name} ${day}, ${year}` : `${day} ${name} ${year}`;
}

interface Post {
  tenant: Tenant;
  /** The local date the card says it is the digest of. */
  date: LocalDate;
  /** The simulated instant it went out. */
  at: string;
  call: ConnectorCall;
  card: unknown;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Each text block of a card as one line (its runs joined). */
function cardLines(card: unknown): string[] {
  const body = isRecord(card) && Array.isArray(card.body) ? card.body.filter(isRecord) : [];
  return body.map((block) =>
    (Array.isArray(block.inlines) ? block.inlines.filter(isRecord) : []).map((run) => String(run.text)).join(''),
  );
}

/** The digest date a card names in its intro ("Daily digest · <date> · …"), among the days around the test. */
function digestDateOf(card: unknown, t: Tenant): LocalDate | undefined {
  const intro = cardLines(card).find((line) => line.startsWith('Daily digest · '));
  const days = Array.from({ length: 20 }, (_, i) => addDays('2026-04-28', i));
  return days.find((d) => intro?.startsWith(`Daily digest · ${cardDate(d, t)} · `));
}

/** The Teams digests the fake received since `from` (an index into its calls), at the clock's current time. */
function collect(connector: FakeConnector, clock: MutableClock, from: number): Post[] {
  return teamsChannelPosts(connector.calls.slice(from)).map((call) => {
    const tenant = TENANTS.find((t) => t.channel === teamsChannelOf(call));
    if (!tenant) throw new Error(`a post to an unknown channel: ${teamsChannelOf(call)}`);
    const card = cardsIn(call.body)[0];
    const date = digestDateOf(card, tenant);
    if (!date) throw new Error(`not a digest card: ${cardLines(card).join(' / ')}`);
    return { tenant, date, at: clock.now().toISOString(), call, card };
  });
}

/** The embedded scheduler the service started (tests tick it instead of waiting for its one-minute timer). */
function schedulerOf(service: RunningService | undefined): EmbeddedScheduler {
  const scheduler = service?.scheduler;
  if (!(scheduler instanceof EmbeddedScheduler)) throw new Error('expected the embedded scheduler');
  return scheduler;
}

/**
 * "config channel" said in the channel by someone whose Teams runs in the tenant's zone and locale: the bot keeps
 * the channel's conversation reference (with that zone) and makes it the tenant's procurement channel.
 */
async function configureChannel(harness: TeamsHarness, t: Tenant): Promise<void> {
  const activity = channelMessage({
    serviceUrl: harness.connector.url,
    text: 'config channel',
    tenantId: t.aad,
    channelId: t.channel,
    locale: t.locale,
  });
  const before = harness.connector.calls.length;
  const result = await postActivity(harness.baseUrl, {
    ...activity,
    localTimezone: t.timeZone,
    entities: (activity.entities ?? []).map((e) => (e.type === 'clientInfo' ? { ...e, timezone: t.timeZone } : e)),
  });
  expect(result.status).toBeLessThan(300);
  // The bot confirms in the thread; its reply is the sign the turn is done.
  await harness.connector.waitFor((calls) => calls.length > before, 5000, 'the config channel reply');
}

describe('Teams digests across restarts', () => {
  const open: TeamsHarness[] = [];
  let connector: FakeConnector | undefined;

  afterEach(async () => {
    for (const harness of open.splice(0)) await harness.close(false);
    await connector?.close();
    connector = undefined;
  });

  it('posts one digest per channel at once for the days it was down, then resumes at the local digest hour', {
    timeout: 90_000,
  }, async () => {
    const fake = await startFakeConnector();
    connector = fake;
    const storeUrl = sqliteUrl();
    const namespace = testNamespace();
    const clock = new MutableClock(new Date('2026-05-04T06:00:00Z'));
    const start = async () => {
      const harness = await TeamsHarness.start({
        connector: fake,
        storeUrl,
        namespace,
        clock,
        env: { scheduler: 'embedded' },
      });
      open.push(harness);
      return harness;
    };
    const stop = async (harness: TeamsHarness) => {
      open.splice(open.indexOf(harness), 1);
      await harness.close(false);
    };
    const posts: Post[] = [];
    /** Ticks every 15 minutes up to `until`, recording each digest with the simulated time it went out. */
    const runUntil = async (harness: TeamsHarness, until: string) => {
      while (clock.now().getTime() < Date.parse(until)) {
        clock.advance(15 * 60_000);
        const before = fake.calls.length;
        await schedulerOf(harness.service).tick();
        posts.push(...collect(fake, clock, before));
      }
    };
    const summary = (list: Post[]) => list.map((p) => [p.tenant.timeZone, p.date, p.at]);

    // Monday 4 May, 07:00 in London, 02:00 in New York: the channels are set up and their first contracts
    // registered. New channels get no digest for Sunday, a day they were not there for; Monday's comes at the hour.
    const first = await start();
    for (const t of TENANTS) {
      await configureChannel(first, t);
      await first.service.settings.setDigestHour(t.tenant, t.digestHour);
    }
    await saveAll({ contractRepository: first.service.contractRepository }, contracts);
    let before = fake.calls.length;
    await schedulerOf(first.service).tick();
    posts.push(...collect(fake, clock, before));
    await runUntil(first, '2026-05-04T21:00:00Z');
    expect(summary(posts)).toEqual([
      ['Europe/London', '2026-05-04', '2026-05-04T08:00:00.000Z'],
      ['America/New_York', '2026-05-04', '2026-05-04T12:00:00.000Z'],
    ]);

    // Down from Monday evening until Wednesday 15:00 London / 10:00 New York: Tuesday's and Wednesday's hours passed.
    await stop(first);
    clock.set('2026-05-06T14:00:00Z');
    before = fake.calls.length;
    const second = await start();
    const caughtUp = collect(fake, clock, before);
    expect(caughtUp.map((p) => [p.tenant.timeZone, p.date])).toEqual([
      ['Europe/London', '2026-05-06'],
      ['America/New_York', '2026-05-06'],
    ]);
    // It is Wednesday's digest: the review due on Friday 1 May is 5 days overdue, dated in the channel's zone.
    expect(cardLines(caughtUp[0]!.card).join('\n')).toContain('overdue since 1 May 2026 (5 days)');
    expect(cardLines(caughtUp[1]!.card).join('\n')).toContain('overdue since May 1, 2026 (5 days)');
    posts.push(...caughtUp);
    await runUntil(second, '2026-05-07T14:00:00Z');

    // Down again overnight; back on Saturday 9 May at 07:00 London / 02:00 New York, before either digest hour:
    // Friday's digest is the one owed.
    await stop(second);
    clock.set('2026-05-09T06:00:00Z');
    before = fake.calls.length;
    const third = await start();
    const beforeTheHour = collect(fake, clock, before);
    expect(beforeTheHour.map((p) => [p.tenant.timeZone, p.date])).toEqual([
      ['Europe/London', '2026-05-08'],
      ['America/New_York', '2026-05-08'],
    ]);
    posts.push(...beforeTheHour);
    await runUntil(third, '2026-05-09T18:00:00Z');

    expect(summary(posts)).toEqual([
      ['Europe/London', '2026-05-04', '2026-05-04T08:00:00.000Z'],
      ['America/New_York', '2026-05-04', '2026-05-04T12:00:00.000Z'],
      // The catch-up, at once on start.
      ['Europe/London', '2026-05-06', '2026-05-06T14:00:00.000Z'],
      ['America/New_York', '2026-05-06', '2026-05-06T14:00:00.000Z'],
      // Then 09:00 BST and 08:00 EDT.
      ['Europe/London', '2026-05-07', '2026-05-07T08:00:00.000Z'],
      ['America/New_York', '2026-05-07', '2026-05-07T12:00:00.000Z'],
      ['Europe/London', '2026-05-08', '2026-05-09T06:00:00.000Z'],
      ['America/New_York', '2026-05-08', '2026-05-09T06:00:00.000Z'],
      ['Europe/London', '2026-05-09', '2026-05-09T08:00:00.000Z'],
      ['America/New_York', '2026-05-09', '2026-05-09T12:00:00.000Z'],
    ]);
    // Every digest a new post in its procurement channel, with a valid card, and nothing posted twice.
    expect(teamsChannelPosts(fake.calls)).toHaveLength(posts.length);
    expect(fake.violations).toEqual([]);
    for (const post of posts) {
      expect(post.call.conversationId?.startsWith(`${post.tenant.channel};messageid=`)).toBe(true);
      expect(validateCard(post.card)).toEqual([]);
    }

    // The store agrees: each posted date is "sent" with the post's id, the skipped ones were never planned.
    const digests = third.service.digests;
    for (const t of TENANTS) {
      const target = targetOf(t);
      expect(await digests.lastSent(target)).toBe('2026-05-09');
      for (const post of posts.filter((p) => p.tenant === t)) {
        expect(await digests.occurrence(target, post.date)).toMatchObject({
          state: 'sent',
          message: { id: post.call.activityId },
        });
      }
      for (const skipped of ['2026-05-03', '2026-05-05']) {
        expect(await digests.occurrence(target, skipped), skipped).toBeUndefined();
      }
    }
  });
});

describe('two Teams replicas on one store', () => {
  it('two services on one Redis namespace, ticking at the same moments, post each Teams digest once', {
    timeout: 90_000,
  }, async () => {
    const fake = await startFakeConnector();
    const namespace = testNamespace();
    const clock = new MutableClock(new Date('2026-05-04T11:00:00Z'));
    const harnesses: TeamsHarness[] = [];
    try {
      for (let i = 0; i < 2; i += 1) {
        harnesses.push(
          await TeamsHarness.start({
            connector: fake,
            storeUrl: REDIS_URL,
            namespace,
            clock,
            env: { scheduler: 'embedded' },
          }),
        );
      }
      const [a, b] = harnesses as [TeamsHarness, TeamsHarness];
      // One channel is configured through each replica; both read the same store.
      await configureChannel(a, TENANTS[0]!);
      await configureChannel(b, TENANTS[1]!);
      for (const t of TENANTS) await a.service.settings.setDigestHour(t.tenant, t.digestHour);
      await saveAll({ contractRepository: b.service.contractRepository }, contracts);
      const before = fake.calls.length;

      // Two days in 15-minute steps, both replicas ticking together each time.
      const posts: Post[] = [];
      while (clock.now().getTime() < Date.parse('2026-05-06T13:00:00Z')) {
        clock.advance(15 * 60_000);
        const seen = fake.calls.length;
        await Promise.all([schedulerOf(a.service).tick(), schedulerOf(b.service).tick()]);
        posts.push(...collect(fake, clock, seen));
      }

      expect(posts.map((p) => [p.tenant.timeZone, p.date, p.at])).toEqual([
        ['Europe/London', '2026-05-04', '2026-05-04T11:15:00.000Z'],
        ['America/New_York', '2026-05-04', '2026-05-04T12:00:00.000Z'],
        ['Europe/London', '2026-05-05', '2026-05-05T08:00:00.000Z'],
        ['America/New_York', '2026-05-05', '2026-05-05T12:00:00.000Z'],
        ['Europe/London', '2026-05-06', '2026-05-06T08:00:00.000Z'],
        ['America/New_York', '2026-05-06', '2026-05-06T12:00:00.000Z'],
      ]);
      // Nothing else went to the connector: no second post, no failed attempt.
      expect(fake.calls.slice(before).map((c) => [c.method, c.status])).toEqual(posts.map(() => ['create', 201]));
      for (const post of posts) expect(validateCard(post.card)).toEqual([]);
      await a.service.store.keyv.clear();
    } finally {
      for (const harness of harnesses) await harness.close(false);
      await fake.close();
    }
  });
});
