/**
 * A year of reminders, driven by a clock: two tenants (London at 09:00, New York at 08:00) through 2026 and all
 * four daylight-saving changes, the real SQLite store, ContractService, digest repository, EmbeddedScheduler and
 * Slack poster against the fake Web API. People act at local noon (after the digest): they record each result on
 * its due day, except one left overdue (escalation) and one snoozed. What each channel should have received is
 * computed independently from the obligation schedule and that plan of actions, then compared post by post.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type LocalDate, localTimeOf, zonedInstant } from '../../src/core/contracts/calendar.js';
import { type Contract, ContractSchema } from '../../src/core/contracts/contract.js';
import { isRated, type Obligation, obligationsOf } from '../../src/core/contracts/obligations.js';
import type { UserRef } from '../../src/core/view.js';
import { EmbeddedScheduler } from '../../src/scheduler/embedded.js';
import { occurrenceKey } from '../../src/scheduler/types.js';
import { sqliteUrl, testNamespace } from '../helpers/backends.js';
import { MutableClock } from '../helpers/clock.js';
import { type FakeSlack, type FakeSlackCall, startFakeSlack } from '../support/fake-slack.js';
import { kpi, makeContract } from '../unit/contracts/helpers.js';
import {
  itemsIn,
  mentionsIn,
  metadataKey,
  openStack,
  type Stack,
  saveAll,
  schedulerDeps,
  slackPosterFor,
} from './stack.js';

interface Tenant {
  id: string;
  timeZone: string;
  digestHour: number;
  channel: string;
}

const LONDON: Tenant = { id: 'slack_TLONDON', timeZone: 'Europe/London', digestHour: 9, channel: 'CLONDON01' };
const NEW_YORK: Tenant = { id: 'slack_TNEWYORK', timeZone: 'America/New_York', digestHour: 8, channel: 'CNEWYORK1' };
const TENANTS = [LONDON, NEW_YORK];

const person = (id: string): UserRef => ({ id, name: id });
const CLERK = person('U0CLERK01');

/** UK, £6.2m: Contract Performance Notices due. Monthly and quarterly KPIs on the 1st; CPN and docs on 1 Oct. */
const GB1 = makeContract({
  id: 'C-GB0001',
  tenant: LONDON.id,
  channel: LONDON.channel,
  timeZone: LONDON.timeZone,
  title: 'Benefit fraud risk scoring',
  start: '2025-10-01',
  end: '2028-09-30',
  kpis: [kpi('K1', 'Service availability', { months: 1 }, true), kpi('K2', 'Accuracy', { months: 3 }, true)],
  cpnDuty: true,
  trackedFrom: '2026-01-01',
  owner: person('U0GB1OWN'),
  sro: person('U0GB1SRO'),
  createdBy: CLERK,
});
/** UK, no CPN duty, ends 28 Apr 2027: re-triage due 28 Oct 2026, three days after the clocks go back. */
const GB2 = makeContract({
  id: 'C-GB0002',
  tenant: LONDON.id,
  channel: LONDON.channel,
  timeZone: LONDON.timeZone,
  title: 'Council tax chatbot',
  value: { amount: 400_000, currency: 'GBP' },
  start: '2025-04-28',
  end: '2027-04-28',
  kpis: [kpi('K1', 'Deflection rate', { months: 3 })],
  cpnDuty: false,
  trackedFrom: '2026-01-01',
  owner: person('U0GB2OWN'),
  sro: person('U0GB2SRO'),
  createdBy: CLERK,
});
/** US; registered mid-year (12 Feb): monthly for 6 months, then quarterly; the first review falls on 12 Mar. */
const NY1 = makeContract({
  id: 'C-NY0001',
  tenant: NEW_YORK.id,
  channel: NEW_YORK.channel,
  timeZone: NEW_YORK.timeZone,
  title: 'Permit application triage',
  value: { amount: 2_000_000, currency: 'USD' },
  jurisdiction: 'US',
  start: '2026-02-12',
  end: '2029-02-11',
  kpis: [kpi('K1', 'Turnaround time', { months: 1, thenMonths: 3 })],
  cpnDuty: false,
  trackedFrom: '2026-02-12',
  owner: person('U0NY1OWN'),
  sro: person('U0NY1SRO'),
  createdBy: CLERK,
  createdAt: '2026-02-12T17:00:00.000Z',
  updatedAt: '2026-02-12T17:00:00.000Z',
});
/** US, quarterly reviews on the 3rd (3 Nov: two days after the clocks go back); ends Feb 2027 (re-triage 3 Aug). */
const NY2 = makeContract({
  id: 'C-NY0002',
  tenant: NEW_YORK.id,
  channel: NEW_YORK.channel,
  timeZone: NEW_YORK.timeZone,
  title: 'Benefits eligibility screening',
  value: { amount: 900_000, currency: 'USD' },
  jurisdiction: 'US',
  start: '2025-08-03',
  end: '2027-02-03',
  kpis: [kpi('K1', 'False positive rate', { months: 3 })],
  cpnDuty: false,
  trackedFrom: '2026-01-01',
  owner: person('U0NY2OWN'),
  sro: person('U0NY2SRO'),
  createdBy: CLERK,
});

/** Logged at noon on 15 Jun; its 30-day CPN clock runs out on 12 Jul. */
const BREACH = { contract: GB1.id, loggedOn: '2026-06-15', on: '2026-06-12', note: 'Availability under 95 % in June' };
/** NY1 is registered at noon on this day. */
const NY1_REGISTERED = '2026-02-12';
/** Left overdue for 20 days: the owner is mentioned from 4 Feb, the SRO from 11 Feb; recorded on 17 Feb. */
const ESCALATED = { contract: GB2.id, key: 'kpi:K1:2026-01-28', recordedOn: '2026-02-17' };
/** Snoozed on its due day (7 days, until 10 May), then recorded on 12 May. */
const SNOOZED = { contract: NY2.id, key: 'kpi:K1:2026-05-03', snoozedOn: '2026-05-03', recordedOn: '2026-05-12' };

/** Each contract as its schedule stands at the end of the year (the breach included). */
const FINAL: Contract[] = [
  ContractSchema.parse({
    ...GB1,
    breaches: [{ id: 'B1', on: BREACH.on, note: BREACH.note, by: CLERK, at: '2026-06-15T11:00:00.000Z' }],
  }),
  GB2,
  NY1,
  NY2,
];

const tenantOf = (contract: Contract) => (contract.tenant === LONDON.id ? LONDON : NEW_YORK);

/** The local date on whose noon the result is recorded (after that day's digest). */
function recordedOn(contract: Contract, obligation: Obligation): LocalDate {
  if (contract.id === ESCALATED.contract && obligation.key === ESCALATED.key) return ESCALATED.recordedOn;
  if (contract.id === SNOOZED.contract && obligation.key === SNOOZED.key) return SNOOZED.recordedOn;
  return obligation.due;
}

/** Obligations the digest may ever show: those due since the contract was tracked, and breach notices. */
function tracked(contract: Contract): Obligation[] {
  return obligationsOf(contract).filter((o) => o.kind === 'breach-cpn' || o.due >= contract.trackedFrom);
}

interface ExpectedItem {
  item: string;
  overdueDays: number;
  owner: string;
  sro: string;
}

/**
 * What the digest of `date` in `tenant` must list, from the schedule and the plan of actions alone: everything due
 * by `date + 7` that exists by then, is not yet recorded (results are recorded after the digest), and is not snoozed.
 */
function expectedDigest(tenant: Tenant, date: LocalDate): ExpectedItem[] {
  const out: ExpectedItem[] = [];
  for (const contract of FINAL.filter((c) => tenantOf(c) === tenant)) {
    if (contract.id === NY1.id && date <= NY1_REGISTERED) continue;
    for (const obligation of tracked(contract)) {
      if (obligation.due > addDays(date, 7) || date > recordedOn(contract, obligation)) continue;
      if (obligation.kind === 'breach-cpn' && date <= BREACH.loggedOn) continue;
      const snoozed = contract.id === SNOOZED.contract && obligation.key === SNOOZED.key;
      if (snoozed && date > SNOOZED.snoozedOn && date < addDays(SNOOZED.snoozedOn, 7)) continue;
      const overdueDays = Math.max(0, (Date.parse(date) - Date.parse(obligation.due)) / 86_400_000);
      out.push({
        item: `${contract.id}|${obligation.key}`,
        overdueDays,
        owner: contract.owner.id,
        sro: contract.sro.id,
      });
    }
  }
  return out;
}

/** The users a digest with these items must mention: owners from 7 days overdue, SROs from 14. */
function expectedMentions(items: ExpectedItem[]): Set<string> {
  const mentions = new Set<string>();
  for (const item of items) {
    if (item.overdueDays >= 7) mentions.add(item.owner);
    if (item.overdueDays >= 14) mentions.add(item.sro);
  }
  return mentions;
}

const DATES_2026: LocalDate[] = Array.from({ length: 365 }, (_, i) => addDays('2026-01-01', i));

interface Post {
  tenant: Tenant;
  /** The local date and time it went out, in the tenant's zone. */
  localDate: LocalDate;
  localHour: number;
  localMinute: number;
  at: Date;
  key: string | undefined;
  call: FakeSlackCall;
}

describe('a year of daily digests in London and New York', () => {
  let fake: FakeSlack;
  let stack: Stack;
  const posts: Post[] = [];

  /** People's actions, by tenant and local date, done at local noon. */
  function plannedActions(): Map<string, Array<() => Promise<unknown>>> {
    const actions = new Map<string, Array<() => Promise<unknown>>>();
    const at = (tenant: Tenant, date: LocalDate, action: () => Promise<unknown>) => {
      const key = `${tenant.id}|${date}`;
      actions.set(key, [...(actions.get(key) ?? []), action]);
    };
    for (const contract of FINAL) {
      for (const obligation of tracked(contract)) {
        at(tenantOf(contract), recordedOn(contract, obligation), () =>
          stack.contracts
            .recordResult({
              tenant: contract.tenant,
              contractId: contract.id,
              obligationKey: obligation.key,
              values: isRated(obligation) ? { value: '99 %', rating: 'good' } : { value: 'Done' },
              by: contract.owner,
            })
            .then((outcome) => expect(outcome.ok, `${contract.id} ${obligation.key}`).toBe(true)),
        );
      }
    }
    at(LONDON, BREACH.loggedOn, () =>
      stack.contracts
        .logBreach({ tenant: LONDON.id, contractId: GB1.id, values: { on: BREACH.on, note: BREACH.note }, by: CLERK })
        .then((outcome) => expect(outcome.ok).toBe(true)),
    );
    at(NEW_YORK, SNOOZED.snoozedOn, () =>
      stack.contracts.snooze({
        tenant: NEW_YORK.id,
        contractId: SNOOZED.contract,
        obligationKey: SNOOZED.key,
        by: NY2.owner,
      }),
    );
    at(NEW_YORK, NY1_REGISTERED, () => stack.contractRepository.save(NY1));
    return actions;
  }

  beforeAll(async () => {
    fake = await startFakeSlack();
    const clock = new MutableClock(new Date('2026-01-01T00:00:00Z'));
    stack = await openStack(sqliteUrl(), { clock, namespace: testNamespace() });
    for (const tenant of TENANTS) {
      await stack.settings.update(tenant.id, { timeZone: tenant.timeZone, digestHour: tenant.digestHour });
    }
    await saveAll(stack, [GB1, GB2, NY2]);
    // The bot has been running through 2025: both channels had their digest for 31 December.
    for (const tenant of TENANTS) {
      await stack.digests.setLastSent({ tenant: tenant.id, platform: 'slack', channel: tenant.channel }, '2025-12-31');
    }
    // Pacing is 1 ms, not 1 s: a simulated day passes in well under a real second (delivery.test.ts checks pacing).
    const scheduler = new EmbeddedScheduler(schedulerDeps(stack, { slack: slackPosterFor(stack, fake, 1) }, clock));
    const actions = plannedActions();

    const started = Date.now();
    let seen = 0;
    const end = Date.parse('2027-01-01T00:00:00Z');
    for (let t = clock.now().getTime(); t < end; t += 15 * 60_000) {
      clock.set(new Date(t));
      await scheduler.tick();
      for (; seen < fake.calls.length; seen += 1) {
        const call = fake.calls[seen]!;
        if (call.method !== 'chat.postMessage') continue;
        const channel = String(call.args.channel);
        const tenant = TENANTS.find((x) => x.channel === channel)!;
        const local = localTimeOf(clock.now(), tenant.timeZone);
        posts.push({
          tenant,
          localDate: local.date,
          localHour: local.hour,
          localMinute: local.minute,
          at: clock.now(),
          key: metadataKey(call),
          call,
        });
      }
      for (const tenant of TENANTS) {
        const local = localTimeOf(clock.now(), tenant.timeZone);
        if (local.hour !== 12 || local.minute !== 0) continue;
        for (const action of actions.get(`${tenant.id}|${local.date}`) ?? []) await action();
      }
    }
    // Reported, not asserted: wall time depends on the machine's load.
    console.info(`year simulation: ${posts.length} digests in ${Date.now() - started} ms`);
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  const postsOf = (tenant: Tenant) => posts.filter((p) => p.tenant === tenant);
  const postOn = (tenant: Tenant, date: LocalDate) => postsOf(tenant).find((p) => p.localDate === date);

  it('posts every digest successfully and within Block Kit limits', () => {
    expect(posts.length).toBeGreaterThan(100);
    expect(fake.violations).toEqual([]);
    for (const post of posts) expect(post.call.status, post.key).toBe(200);
  });

  it.each(TENANTS)(
    '$timeZone: a digest on exactly the days something is due, overdue or upcoming, once each',
    (tenant) => {
      const expected = DATES_2026.filter((date) => expectedDigest(tenant, date).length > 0);
      const got = postsOf(tenant).map((p) => p.localDate);
      expect(got).toEqual(expected);
      // Quiet days exist (results are recorded on time), so this is not simply "every day".
      expect(expected.length).toBeGreaterThan(60);
      expect(expected.length).toBeLessThan(300);
      const keys = postsOf(tenant).map((p) => p.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const post of postsOf(tenant)) {
        expect(post.key).toBe(
          occurrenceKey({ tenant: tenant.id, platform: 'slack', channel: tenant.channel }, post.localDate),
        );
      }
    },
  );

  it.each(TENANTS)('$timeZone: every digest goes out at the tenant’s local digest hour', (tenant) => {
    for (const post of postsOf(tenant)) {
      expect({ date: post.localDate, hour: post.localHour, minute: post.localMinute }).toEqual({
        date: post.localDate,
        hour: tenant.digestHour,
        minute: 0,
      });
    }
  });

  it.each([
    // London: GMT → BST on 29 Mar (09:00 local is 09:00Z, then 08:00Z); BST → GMT on 25 Oct.
    ['Europe/London', '2026-03-28', '2026-03-28T09:00:00.000Z'],
    ['Europe/London', '2026-03-29', '2026-03-29T08:00:00.000Z'],
    ['Europe/London', '2026-03-30', '2026-03-30T08:00:00.000Z'],
    ['Europe/London', '2026-10-24', '2026-10-24T08:00:00.000Z'],
    ['Europe/London', '2026-10-25', '2026-10-25T09:00:00.000Z'],
    ['Europe/London', '2026-10-26', '2026-10-26T09:00:00.000Z'],
    // New York at 08:00: EST → EDT on 8 Mar (13:00Z, then 12:00Z); EDT → EST on 1 Nov.
    ['America/New_York', '2026-03-07', '2026-03-07T13:00:00.000Z'],
    ['America/New_York', '2026-03-08', '2026-03-08T12:00:00.000Z'],
    ['America/New_York', '2026-03-09', '2026-03-09T12:00:00.000Z'],
    ['America/New_York', '2026-10-31', '2026-10-31T12:00:00.000Z'],
    ['America/New_York', '2026-11-01', '2026-11-01T13:00:00.000Z'],
    ['America/New_York', '2026-11-02', '2026-11-02T13:00:00.000Z'],
  ])('around daylight saving: %s on %s gets one digest, at %s', (zone, date, instant) => {
    const onDay = posts.filter((p) => p.tenant.timeZone === zone && p.localDate === date);
    expect(onDay).toHaveLength(1);
    expect(onDay[0]!.at.toISOString()).toBe(instant);
  });

  it.each(TENANTS)(
    '$timeZone: each digest lists exactly what is open that day, and mentions whom it must',
    (tenant) => {
      for (const post of postsOf(tenant)) {
        const expected = expectedDigest(tenant, post.localDate);
        expect({ date: post.localDate, items: [...itemsIn(post.call)].sort() }).toEqual({
          date: post.localDate,
          items: expected.map((e) => e.item).sort(),
        });
        expect({ date: post.localDate, mentions: [...mentionsIn(post.call)].sort() }).toEqual({
          date: post.localDate,
          mentions: [...expectedMentions(expected)].sort(),
        });
      }
    },
  );

  it('shows dates as Slack date tokens, so each reader sees them in their own zone', () => {
    for (const post of posts) {
      const seconds = zonedInstant(post.localDate, 9, 0, post.tenant.timeZone).getTime() / 1000;
      expect(JSON.stringify(post.call.args.blocks)).toContain(`<!date^${seconds}^{date_short_pretty}|`);
    }
  });

  it('escalates an overdue review: the owner from 7 days, the SRO from 14; recording it ends the reminders', () => {
    const item = `${ESCALATED.contract}|${ESCALATED.key}`;
    const owner = GB2.owner.id;
    const sro = GB2.sro.id;
    const day = (n: number) => addDays('2026-01-28', n);
    for (let n = 1; n <= 20; n += 1) {
      const post = postOn(LONDON, day(n));
      expect(post, day(n)).toBeDefined();
      expect(itemsIn(post!.call).has(item), day(n)).toBe(true);
      expect(mentionsIn(post!.call).has(owner), `owner on ${day(n)}`).toBe(n >= 7);
      expect(mentionsIn(post!.call).has(sro), `SRO on ${day(n)}`).toBe(n >= 14);
    }
    const after = postsOf(LONDON).filter((p) => p.localDate > ESCALATED.recordedOn);
    expect(after.length).toBeGreaterThan(0);
    for (const post of after) expect(itemsIn(post.call).has(item)).toBe(false);
  });

  it('hides a snoozed item for 7 days, then shows it again, overdue since its original date', () => {
    const item = `${SNOOZED.contract}|${SNOOZED.key}`;
    expect(itemsIn(postOn(NEW_YORK, '2026-05-03')!.call).has(item)).toBe(true);
    for (let n = 1; n <= 6; n += 1) {
      const post = postOn(NEW_YORK, addDays('2026-05-03', n));
      if (post) expect(itemsIn(post.call).has(item)).toBe(false);
    }
    const back = postOn(NEW_YORK, '2026-05-10')!;
    expect(itemsIn(back.call).has(item)).toBe(true);
    expect(JSON.stringify(back.call.args.blocks)).toContain('(7 days)');
    expect(mentionsIn(back.call).has(NY2.owner.id)).toBe(true);
    expect(itemsIn(postOn(NEW_YORK, '2026-05-12')!.call).has(item)).toBe(true);
    expect(postOn(NEW_YORK, '2026-05-13')).toBeUndefined();
  });

  it('reminds of the CPN, the breach’s 30-day CPN clock, documentation refreshes and re-triage', () => {
    const listed = (tenant: Tenant, date: LocalDate, item: string) => {
      const post = postOn(tenant, date);
      return post !== undefined && itemsIn(post.call).has(item);
    };
    const window = (tenant: Tenant, item: string, due: LocalDate) => {
      expect(listed(tenant, addDays(due, -8), item), `${item} before its week`).toBe(false);
      for (let n = -7; n <= 0; n += 1) expect(listed(tenant, addDays(due, n), item), `${item} ${n}`).toBe(true);
      expect(listed(tenant, addDays(due, 1), item), `${item} after it was recorded`).toBe(false);
    };
    window(LONDON, `${GB1.id}|cpn:2026-10-01`, '2026-10-01');
    window(LONDON, `${GB1.id}|breach-cpn:B1`, '2026-07-12');
    window(LONDON, `${GB1.id}|docs:2026-10-01`, '2026-10-01');
    window(LONDON, `${GB2.id}|retriage:2026-10-28`, '2026-10-28');
    window(NEW_YORK, `${NY2.id}|retriage:2026-08-03`, '2026-08-03');
    window(NEW_YORK, `${NY2.id}|docs:2026-08-03`, '2026-08-03');
    expect(JSON.stringify(postOn(LONDON, '2026-07-12')!.call.args.blocks)).toContain(
      'Breach: publish a CPN within 30 days',
    );
    const notices = JSON.stringify(postOn(LONDON, '2026-10-01')!.call.args.blocks);
    expect(notices).toContain('Contract Performance Notice due');
    expect(notices).toContain('Documentation refresh');
  });
});
