/**
 * Embedded mode across restarts: the real service (startService, scheduler 'embedded', a moved clock) on one
 * SQLite file, stopped across digest hours and started again. And two schedulers on one store ticking together.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalDate } from '../../src/core/contracts/calendar.js';
import type { UserRef } from '../../src/core/view.js';
import { EmbeddedScheduler } from '../../src/scheduler/embedded.js';
import type { RunningService } from '../../src/service.js';
import { REDIS_URL, sqliteUrl, testNamespace } from '../helpers/backends.js';
import { MutableClock } from '../helpers/clock.js';
import { SlackHarness } from '../helpers/slack-harness.js';
import { type FakeSlack, type FakeSlackCall, startFakeSlack } from '../support/fake-slack.js';
import { makeContract } from '../unit/contracts/helpers.js';
import { digestPosts, metadataKey, openStack, saveAll, schedulerDeps, slackPosterFor } from './stack.js';

const ADMIN: UserRef = { id: 'U0ADMIN01', name: 'Ada Admin' };

const TENANTS = [
  { tenant: 'slack_TLONDON', channel: 'CLONDON01', timeZone: 'Europe/London', digestHour: 9 },
  { tenant: 'slack_TNEWYORK', channel: 'CNEWYORK1', timeZone: 'America/New_York', digestHour: 8 },
] as const;
type Tenant = (typeof TENANTS)[number];

/** Each channel's contract has its first monthly review on 1 May and nobody records it: every day has a digest. */
const contracts = TENANTS.map((t) =>
  makeContract({
    id: t.tenant === 'slack_TLONDON' ? 'C-GB0001' : 'C-NY0001',
    tenant: t.tenant,
    channel: t.channel,
    timeZone: t.timeZone,
  }),
);

interface Post {
  tenant: Tenant;
  date: LocalDate;
  /** The simulated instant it went out. */
  at: string;
  call: FakeSlackCall;
}

/** Reads the digests the fake received since `from` (an index into its calls), at the clock's current time. */
function collect(fake: FakeSlack, clock: MutableClock, from: number): Post[] {
  return digestPosts(fake)
    .filter((call) => fake.calls.indexOf(call) >= from)
    .map((call) => {
      const tenant = TENANTS.find((t) => t.channel === call.args.channel)!;
      return { tenant, date: metadataKey(call)!.split('|')[3]!, at: clock.now().toISOString(), call };
    });
}

/** The embedded scheduler the service started (tests tick it instead of waiting for its one-minute timer). */
function schedulerOf(service: RunningService | undefined): EmbeddedScheduler {
  const scheduler = service?.scheduler;
  if (!(scheduler instanceof EmbeddedScheduler)) throw new Error('expected the embedded scheduler');
  return scheduler;
}

describe('embedded scheduler across restarts', () => {
  const open: SlackHarness[] = [];
  let fake: FakeSlack | undefined;

  afterEach(async () => {
    for (const harness of open.splice(0)) await harness.close(false);
    await fake?.close();
    fake = undefined;
  });

  it('posts one digest per channel at once for the days it was down, then resumes at the local digest hour', {
    timeout: 90_000,
  }, async () => {
    fake = await startFakeSlack({ teamId: 'T111' });
    const storeUrl = sqliteUrl();
    const namespace = testNamespace();
    const clock = new MutableClock(new Date('2026-05-04T06:00:00Z'));
    const start = async () => {
      const harness = await SlackHarness.start({ fake, storeUrl, namespace, clock, env: { scheduler: 'embedded' } });
      open.push(harness);
      return harness;
    };
    const stop = async (harness: SlackHarness) => {
      open.splice(open.indexOf(harness), 1);
      await harness.close(false);
    };
    const posts: Post[] = [];
    /** Ticks every 15 minutes up to `until`, recording each digest with the simulated time it went out. */
    const runUntil = async (harness: SlackHarness, until: string) => {
      while (clock.now().getTime() < Date.parse(until)) {
        clock.advance(15 * 60_000);
        const before = fake!.calls.length;
        await schedulerOf(harness.service).tick();
        posts.push(...collect(fake!, clock, before));
      }
    };

    // Monday 4 May, 07:00 in London, 02:00 in New York: the channels are set up and their first contracts
    // registered. New channels get no digest for Sunday, a day they were not there for; Monday's comes at the hour.
    const first = await start();
    for (const t of TENANTS) {
      await first.service!.settings.setProcurementChannel(t.tenant, t.channel, ADMIN, t.timeZone);
      await first.service!.settings.setDigestHour(t.tenant, t.digestHour);
    }
    await saveAll({ contractRepository: first.service!.contractRepository }, contracts);
    let before = fake.calls.length;
    await schedulerOf(first.service).tick();
    posts.push(...collect(fake, clock, before));
    await runUntil(first, '2026-05-04T21:00:00Z');
    expect(posts.map((p) => [p.tenant.timeZone, p.date, p.at])).toEqual([
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
    // It is Wednesday's digest: the review due on Friday 1 May is 5 days overdue.
    for (const post of caughtUp) expect(JSON.stringify(post.call.args.blocks)).toContain('(5 days)');
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

    expect(posts.map((p) => [p.tenant.timeZone, p.date, p.at])).toEqual([
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
    const keys = posts.map((p) => metadataKey(p.call));
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('two schedulers on one store', () => {
  it('two services on one Redis namespace, ticking at the same moments, post each digest once', {
    timeout: 90_000,
  }, async () => {
    const fake = await startFakeSlack({ teamId: 'T111' });
    const namespace = testNamespace();
    const clock = new MutableClock(new Date('2026-05-04T11:00:00Z'));
    const harnesses: SlackHarness[] = [];
    try {
      for (let i = 0; i < 2; i += 1) {
        harnesses.push(
          await SlackHarness.start({
            fake,
            storeUrl: REDIS_URL,
            namespace,
            clock,
            env: { scheduler: 'embedded' },
          }),
        );
      }
      const [a, b] = harnesses.map((h) => h.service!);
      for (const t of TENANTS) {
        await a!.settings.setTimeZone(t.tenant, t.timeZone);
        await b!.settings.setDigestHour(t.tenant, t.digestHour);
      }
      await saveAll({ contractRepository: a!.contractRepository }, contracts);

      // Two days in 15-minute steps, both replicas ticking together each time.
      while (clock.now().getTime() < Date.parse('2026-05-06T13:00:00Z')) {
        clock.advance(15 * 60_000);
        await Promise.all([schedulerOf(a).tick(), schedulerOf(b).tick()]);
      }

      expect(digestPosts(fake).map(metadataKey)).toEqual([
        'slack_TLONDON|slack|CLONDON01|2026-05-04',
        'slack_TNEWYORK|slack|CNEWYORK1|2026-05-04',
        'slack_TLONDON|slack|CLONDON01|2026-05-05',
        'slack_TNEWYORK|slack|CNEWYORK1|2026-05-05',
        'slack_TLONDON|slack|CLONDON01|2026-05-06',
        'slack_TNEWYORK|slack|CNEWYORK1|2026-05-06',
      ]);
      await a!.store.keyv.clear();
    } finally {
      for (const harness of harnesses) await harness.close(false);
      await fake.close();
    }
  });

  it('two processes on one SQLite file, with store-claimed locks, post each digest once', {
    timeout: 90_000,
  }, async () => {
    const fake = await startFakeSlack({ teamId: 'T111' });
    const url = sqliteUrl();
    const namespace = testNamespace();
    const clock = new MutableClock(new Date('2026-05-04T11:00:00Z'));
    const stacks = await Promise.all([1, 2].map(() => openStack(url, { clock, namespace, crossProcess: true })));
    try {
      const [a, b] = stacks;
      for (const t of TENANTS) await a!.settings.update(t.tenant, { timeZone: t.timeZone, digestHour: t.digestHour });
      await saveAll(b!, contracts);
      const schedulers = stacks.map(
        (stack) => new EmbeddedScheduler(schedulerDeps(stack, { slack: slackPosterFor(stack, fake) }, clock)),
      );

      while (clock.now().getTime() < Date.parse('2026-05-05T13:00:00Z')) {
        clock.advance(15 * 60_000);
        await Promise.all(schedulers.map((s) => s.tick()));
      }

      expect(digestPosts(fake).map(metadataKey)).toEqual([
        'slack_TLONDON|slack|CLONDON01|2026-05-04',
        'slack_TNEWYORK|slack|CNEWYORK1|2026-05-04',
        'slack_TLONDON|slack|CLONDON01|2026-05-05',
        'slack_TNEWYORK|slack|CNEWYORK1|2026-05-05',
      ]);
    } finally {
      for (const stack of stacks) await stack.close();
      await fake.close();
    }
  });
});
