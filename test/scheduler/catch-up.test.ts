/**
 * Embedded mode across restarts: the real service (startService, scheduler 'embedded', a moved clock) on one
 * SQLite file, stopped across digest hours and started again (the scenario is in catch-up-scenario.ts, shared with
 * Teams). And two schedulers on one store ticking together.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalDate } from '../../src/core/calendar.js';
import { EmbeddedScheduler } from '../../src/scheduler/embedded.js';
import { REDIS_URL, sqliteUrl, testNamespace } from '../helpers/backends.js';
import { MutableClock } from '../helpers/clock.js';
import { SlackHarness } from '../helpers/slack-harness.js';
import { type FakeSlack, type FakeSlackCall, startFakeSlack } from '../support/fake-slack.js';
import {
  type CatchUpTenant,
  LONDON_DIGESTS,
  NEW_YORK_DIGESTS,
  RESTARTS_FROM,
  RunningHarnesses,
  reviewedFrom1May,
  runRestarts,
  schedulerOf,
  tickTogether,
} from './catch-up-scenario.js';
import { digestPosts, metadataKey, openStack, saveAll, schedulerDeps, slackPosterFor } from './stack.js';

const TENANTS: CatchUpTenant[] = [
  { tenant: 'slack_TLONDON', channel: 'CLONDON01', ...LONDON_DIGESTS },
  { tenant: 'slack_TNEWYORK', channel: 'CNEWYORK1', ...NEW_YORK_DIGESTS },
];

const contracts = [
  reviewedFrom1May('C-GB0001', 'slack', TENANTS[0]!),
  reviewedFrom1May('C-NY0001', 'slack', TENANTS[1]!),
];

interface Post {
  tenant: CatchUpTenant;
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

describe('embedded scheduler across restarts', () => {
  const running = new RunningHarnesses<SlackHarness>();
  let fake: FakeSlack | undefined;

  afterEach(async () => {
    await running.stopAll();
    await fake?.close();
    fake = undefined;
  });

  it('posts one digest per channel at once for the days it was down, then resumes at the local digest hour', {
    timeout: 90_000,
  }, async () => {
    const slack = await startFakeSlack({ teamId: 'T111' });
    fake = slack;
    const storeUrl = sqliteUrl();
    const namespace = testNamespace();
    const clock = new MutableClock(new Date(RESTARTS_FROM));

    const { posts } = await runRestarts<SlackHarness, Post>({
      clock,
      calls: () => slack.calls.length,
      collect: (from) => collect(slack, clock, from),
      start: () =>
        running.add(
          SlackHarness.start({ fake: slack, storeUrl, namespace, clock, oauth: true, env: { scheduler: 'embedded' } }),
        ),
      stop: (harness) => running.stop(harness),
      setUp: async (harness) => {
        const service = harness.service;
        // Two workspaces, each with its own installation: each digest goes out with its own workspace's token.
        for (const t of TENANTS) await installed(harness, t.tenant);
        for (const t of TENANTS) {
          await service!.settingsRepository.update(t.tenant, {
            procurementChannel: t.channel,
            timeZone: t.timeZone,
            digestHour: t.digestHour,
          });
        }
        await saveAll({ contractRepository: service!.contractRepository }, contracts);
      },
      // It is Wednesday's digest: the review due on Friday 1 May is 5 days overdue.
      checkCaughtUp: (caughtUp) => {
        for (const post of caughtUp) expect(JSON.stringify(post.call.args.blocks)).toContain('(5 days)');
      },
    });

    const keys = posts.map((p) => metadataKey(p.call));
    expect(new Set(keys).size).toBe(keys.length);
    expect(digestPosts(slack)).toHaveLength(posts.length);
    for (const post of digestPosts(slack)) {
      const [tenant] = (metadataKey(post) ?? '').split('|');
      expect(`slack_${slack.teamOf(post.token ?? '')}`).toBe(tenant);
    }
  });
});

/** The app installed in the tenant's workspace (OAuth), by its admin. */
async function installed(harness: SlackHarness, tenant: string): Promise<void> {
  const result = await harness.install({ teamId: tenant.replace(/^slack_/, ''), userId: 'U0ADMIN01' });
  expect(result.status).toBe(200);
}

describe('two schedulers on one store', () => {
  it('two services on one Redis namespace, ticking at the same moments, post each digest once', {
    timeout: 90_000,
  }, async () => {
    const fake = await startFakeSlack({ teamId: 'T111' });
    const namespace = testNamespace();
    const clock = new MutableClock(new Date('2026-05-04T11:00:00Z'));
    const running = new RunningHarnesses<SlackHarness>();
    try {
      const start = () =>
        running.add(
          SlackHarness.start({
            fake,
            storeUrl: REDIS_URL,
            namespace,
            clock,
            oauth: true,
            env: { scheduler: 'embedded' },
          }),
        );
      const [first, second] = [await start(), await start()];
      for (const t of TENANTS) await installed(first, t.tenant);
      const [a, b] = [first.service!, second.service!];
      for (const t of TENANTS) {
        await a.settingsRepository.update(t.tenant, { timeZone: t.timeZone });
        await b.settingsRepository.update(t.tenant, { digestHour: t.digestHour });
      }
      await saveAll({ contractRepository: a.contractRepository }, contracts);

      // Two days in 15-minute steps, both replicas ticking together each time.
      await tickTogether(clock, '2026-05-06T13:00:00Z', [schedulerOf(a), schedulerOf(b)]);

      expect(digestPosts(fake).map(metadataKey)).toEqual([
        'slack_TLONDON|slack|CLONDON01|2026-05-04',
        'slack_TNEWYORK|slack|CNEWYORK1|2026-05-04',
        'slack_TLONDON|slack|CLONDON01|2026-05-05',
        'slack_TNEWYORK|slack|CNEWYORK1|2026-05-05',
        'slack_TLONDON|slack|CLONDON01|2026-05-06',
        'slack_TNEWYORK|slack|CNEWYORK1|2026-05-06',
      ]);
      await a.store.keyv.clear();
    } finally {
      await running.stopAll();
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

      await tickTogether(clock, '2026-05-05T13:00:00Z', schedulers);

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
