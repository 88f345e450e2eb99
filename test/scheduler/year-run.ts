/**
 * Running a year simulation: the plan of people's actions (done at each tenant's local noon, after the digest), the
 * clock loop that ticks the scheduler through 2026, and the posts it collects, kept with the local time they went
 * out at. The platform decides only which fake calls are digests.
 */
import { expect } from 'vitest';
import { type LocalDate, localTimeOf } from '../../src/core/calendar.js';
import type { Contract } from '../../src/core/contracts/contract.js';
import { isRated } from '../../src/core/contracts/obligations.js';
import type { UserRef } from '../../src/core/view.js';
import type { EmbeddedScheduler } from '../../src/scheduler/embedded.js';
import { actorOf } from '../helpers/access.js';
import type { MutableClock } from '../helpers/clock.js';
import type { Stack } from './stack.js';
import { BREACH, recordedOn, SNOOZED, tracked, type YearTenant } from './year-model.js';

/** Someone the workspace made an admin (snoozing and breaches are for procurement). */
const procurement = (user: UserRef) => actorOf(user, { admin: true });

/** People's actions by tenant and local date, each done at the tenant's local noon. */
export class ActionPlan {
  private readonly actions = new Map<string, Array<() => Promise<unknown>>>();

  constructor(private readonly stack: Pick<Stack, 'contracts'>) {}

  at(tenantId: string, date: LocalDate, action: () => Promise<unknown>): void {
    const key = `${tenantId}|${date}`;
    this.actions.set(key, [...(this.actions.get(key) ?? []), action]);
  }

  on(tenantId: string, date: LocalDate): Array<() => Promise<unknown>> {
    return this.actions.get(`${tenantId}|${date}`) ?? [];
  }

  /** Records every tracked result of `contract` on the day the model plans for it (`recordedOn`). */
  recordResults(contract: Contract): void {
    for (const obligation of tracked(contract)) {
      this.at(contract.tenant, recordedOn(contract, obligation), () =>
        this.stack.contracts
          .recordResult({
            tenant: contract.tenant,
            contractId: contract.id,
            obligationKey: obligation.key,
            values: isRated(obligation) ? { value: '99 %', rating: 'good' } : { value: 'Done' },
            // The owner records their own contract's results.
            by: actorOf(contract.owner),
          })
          .then((outcome) => expect(outcome.ok, `${contract.id} ${obligation.key}`).toBe(true)),
      );
    }
  }

  /** Logs the model's BREACH on `contract` (benefit fraud scoring, before the breach). */
  logBreach(contract: Contract, by: UserRef): void {
    this.at(contract.tenant, BREACH.loggedOn, () =>
      this.stack.contracts
        .logBreach({
          tenant: contract.tenant,
          contractId: contract.id,
          values: { on: BREACH.on, note: BREACH.note },
          by: procurement(by),
        })
        .then((outcome) => expect(outcome.ok).toBe(true)),
    );
  }

  /** The owner of `contract` (eligibility screening) snoozes the model's SNOOZED review on its due day. */
  snooze(contract: Contract): void {
    this.at(contract.tenant, SNOOZED.snoozedOn, () =>
      this.stack.contracts.snooze({
        tenant: contract.tenant,
        contractId: SNOOZED.contract,
        obligationKey: SNOOZED.key,
        by: procurement(contract.owner),
        values: { days: '7', reason: 'The supplier’s report is late' },
      }),
    );
  }
}

/** A digest as it went out: the tenant's local date and time then, and the instant. */
export interface Posted<T extends YearTenant = YearTenant> {
  tenant: T;
  localDate: LocalDate;
  localHour: number;
  localMinute: number;
  at: Date;
}

export function postedAt<T extends YearTenant>(tenant: T, at: Date): Posted<T> {
  const local = localTimeOf(at, tenant.timeZone);
  return { tenant, localDate: local.date, localHour: local.hour, localMinute: local.minute, at };
}

/** The digests a simulation collected, in the order they went out. */
export class YearPosts<P extends Posted> {
  readonly all: P[] = [];

  of(tenant: YearTenant): P[] {
    return this.all.filter((p) => p.tenant === tenant);
  }

  on(tenant: YearTenant, date: LocalDate): P | undefined {
    return this.of(tenant).find((p) => p.localDate === date);
  }
}

/** The simulated year: 2026 in UTC, ticked every 15 minutes. */
export const YEAR_START = '2026-01-01T00:00:00Z';
const YEAR_END = '2027-01-01T00:00:00Z';

export interface YearRun<C, P extends Posted> {
  /** A clock set to YEAR_START, which the scheduler and the stack read. */
  clock: MutableClock;
  scheduler: EmbeddedScheduler;
  tenants: YearTenant[];
  plan: ActionPlan;
  /** Every call the fake platform has seen so far, in order. */
  calls: () => readonly C[];
  /** The digest a new call is, if it is one, as of the tick that made it. */
  digestOf: (call: C, now: Date) => P | undefined;
  posts: YearPosts<P>;
  /** Names the run in the line that reports its wall time. */
  label: string;
}

/** Runs the scheduler through 2026: after each tick the new digests are kept, then local noon's actions run. */
export async function runYear<C, P extends Posted>(run: YearRun<C, P>): Promise<void> {
  const { clock, scheduler, posts } = run;
  const started = Date.now();
  let seen = 0;
  for (let t = clock.now().getTime(); t < Date.parse(YEAR_END); t += 15 * 60_000) {
    clock.set(new Date(t));
    await scheduler.tick();
    const calls = run.calls();
    for (; seen < calls.length; seen += 1) {
      const post = run.digestOf(calls[seen]!, clock.now());
      if (post) posts.all.push(post);
    }
    for (const tenant of run.tenants) {
      const local = localTimeOf(clock.now(), tenant.timeZone);
      if (local.hour !== 12 || local.minute !== 0) continue;
      for (const action of run.plan.on(tenant.id, local.date)) await action();
    }
  }
  // Reported, not asserted: wall time depends on the machine's load.
  console.info(`${run.label}: ${posts.all.length} digests in ${Date.now() - started} ms`);
}
