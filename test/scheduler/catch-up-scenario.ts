/**
 * What the Slack and Teams catch-up tests share: the restart scenario (the service on one SQLite file, stopped
 * across digest hours and started again) with the digests it must post and when, the clock loop that ticks
 * schedulers together, and the harnesses a test has running. The platform says how to start its service, set up a
 * channel and read its digests.
 */
import { expect } from 'vitest';
import type { LocalDate } from '../../src/core/calendar.js';
import type { Contract } from '../../src/core/contracts/contract.js';
import type { EmbeddedScheduler } from '../../src/scheduler/embedded.js';
import type { RunningService } from '../../src/service.js';
import type { MutableClock } from '../helpers/clock.js';
import { schedulerOf } from '../helpers/logged-service.js';
import { makeContract } from '../unit/contracts/helpers.js';
import { LONDON_DIGESTS, NEW_YORK_DIGESTS, type YearTenant } from './year-model.js';

/** Where each tenant's digests go, and when: LONDON_DIGESTS and NEW_YORK_DIGESTS, as the expectations below say. */
export type CatchUpTenant = Omit<YearTenant, 'id'> & { tenant: string };
export { LONDON_DIGESTS, NEW_YORK_DIGESTS, schedulerOf };

/** Each channel's contract has its first monthly review on 1 May and nobody records it: every day has a digest. */
export function reviewedFrom1May(id: string, platform: Contract['platform'], t: CatchUpTenant): Contract {
  return makeContract({ id, tenant: t.tenant, platform, channel: t.channel, timeZone: t.timeZone });
}

/** A digest as a test reads it: the tenant's, the local date it is the digest of, the simulated instant it went out. */
export interface DatedPost {
  tenant: { timeZone: string };
  date: LocalDate;
  at: string;
}

/** How to find a platform's digests among its fake's calls. */
export interface DigestSource<P extends DatedPost> {
  /** How many calls the fake has seen. */
  calls(): number;
  /** The digests among the calls since `from`, at the clock's current time. */
  collect(from: number): P[];
}

/**
 * Moves the clock on 15 minutes at a time up to `until`, ticking every scheduler at the same moment each time.
 * With `source`, returns the digests each step posted, as of that step.
 */
export async function tickTogether<P extends DatedPost>(
  clock: MutableClock,
  until: string,
  schedulers: EmbeddedScheduler[],
  source?: DigestSource<P>,
): Promise<P[]> {
  const posts: P[] = [];
  while (clock.now().getTime() < Date.parse(until)) {
    clock.advance(15 * 60_000);
    const before = source?.calls() ?? 0;
    await Promise.all(schedulers.map((s) => s.tick()));
    if (source) posts.push(...source.collect(before));
  }
  return posts;
}

/** The harnesses a test has started, so that `afterEach` stops whatever a failed test left running. */
export class RunningHarnesses<H extends { close(closeFake: boolean): Promise<void> }> {
  private readonly harnesses: H[] = [];

  async add(starting: Promise<H>): Promise<H> {
    const harness = await starting;
    this.harnesses.push(harness);
    return harness;
  }

  /** Stops the service; the fake platform and the store stay. */
  async stop(harness: H): Promise<void> {
    this.harnesses.splice(this.harnesses.indexOf(harness), 1);
    await harness.close(false);
  }

  async stopAll(): Promise<void> {
    for (const harness of this.harnesses.splice(0)) await harness.close(false);
  }
}

/** The restart scenario starts on Monday 4 May at 07:00 in London, 02:00 in New York. */
export const RESTARTS_FROM = '2026-05-04T06:00:00Z';

export interface Restarts<H extends { service: RunningService | undefined }, P extends DatedPost>
  extends DigestSource<P> {
  /** A clock at RESTARTS_FROM, which every start of the service reads. */
  clock: MutableClock;
  /** Starts the service on the test's store, clock and fake platform; `stop` stops it. */
  start(): Promise<H>;
  stop(harness: H): Promise<void>;
  /** On the first start: sets up each tenant's procurement channel and digest hour, and registers the contracts. */
  setUp(harness: H): Promise<void>;
  /** The platform's checks of Wednesday's caught-up digests, London's then New York's. */
  checkCaughtUp(posts: P[]): void;
}

/**
 * Runs the service from Monday 4 May to Saturday 9 May, stopped twice across digest hours, and checks which
 * digests go out when: one per channel at once for the days it was down, then at the local digest hour. Returns
 * every digest in order, and the last harness, still running.
 */
export async function runRestarts<H extends { service: RunningService | undefined }, P extends DatedPost>(
  r: Restarts<H, P>,
): Promise<{ posts: P[]; last: H }> {
  const { clock } = r;
  const posts: P[] = [];
  const runUntil = async (harness: H, until: string) =>
    posts.push(...(await tickTogether(clock, until, [schedulerOf(harness.service)], r)));
  /** Starts the service at `at`, after it was down: returns it and what it posted at once. */
  const restartAt = async (at: string) => {
    clock.set(at);
    const before = r.calls();
    const harness = await r.start();
    return { harness, posted: r.collect(before) };
  };
  const summary = (list: P[]) => list.map((p) => [p.tenant.timeZone, p.date, p.at]);

  // Monday 4 May, 07:00 in London, 02:00 in New York: the channels are set up and their first contracts
  // registered. New channels get no digest for Sunday, a day they were not there for; Monday's comes at the hour.
  const first = await r.start();
  await r.setUp(first);
  const before = r.calls();
  await schedulerOf(first.service).tick();
  posts.push(...r.collect(before));
  await runUntil(first, '2026-05-04T21:00:00Z');
  expect(summary(posts)).toEqual([
    ['Europe/London', '2026-05-04', '2026-05-04T08:00:00.000Z'],
    ['America/New_York', '2026-05-04', '2026-05-04T12:00:00.000Z'],
  ]);

  // Down from Monday evening until Wednesday 15:00 London / 10:00 New York: Tuesday's and Wednesday's hours passed.
  await r.stop(first);
  const second = await restartAt('2026-05-06T14:00:00Z');
  expect(second.posted.map((p) => [p.tenant.timeZone, p.date])).toEqual([
    ['Europe/London', '2026-05-06'],
    ['America/New_York', '2026-05-06'],
  ]);
  // It is Wednesday's digest: the review due on Friday 1 May is 5 days overdue.
  r.checkCaughtUp(second.posted);
  posts.push(...second.posted);
  await runUntil(second.harness, '2026-05-07T14:00:00Z');

  // Down again overnight; back on Saturday 9 May at 07:00 London / 02:00 New York, before either digest hour:
  // Friday's digest is the one owed.
  await r.stop(second.harness);
  const third = await restartAt('2026-05-09T06:00:00Z');
  expect(third.posted.map((p) => [p.tenant.timeZone, p.date])).toEqual([
    ['Europe/London', '2026-05-08'],
    ['America/New_York', '2026-05-08'],
  ]);
  posts.push(...third.posted);
  await runUntil(third.harness, '2026-05-09T18:00:00Z');

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
  return { posts, last: third.harness };
}
