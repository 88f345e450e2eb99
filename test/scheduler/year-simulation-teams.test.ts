/**
 * A year of reminders on Teams, driven by a clock: two Teams tenants (London at 09:00, New York at 08:00) through
 * 2026 and all four daylight-saving changes, the real SQLite store, ContractService, digest repository,
 * EmbeddedScheduler and Teams poster (botbuilder in local mode) against the fake Bot Connector. The tenant's
 * settings decide when a digest goes out; the channel's stored conversation reference (its zone and locale) decides
 * how dates read on the card. One contract per tenant is registered from a completed triage mid-year; the others
 * stand from the start, two of them reviewed in a zone other than the reader's (Sydney, Singapore), whose 09:00 falls
 * on another date for the reader than in UTC. People act at local noon (after the digest): they record each result
 * on its due day, except one left overdue (escalation) and one snoozed. What each channel should have received is
 * computed independently from the obligation schedule and that plan of actions, then compared card by card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, daysBetween, type LocalDate, localTimeOf, zonedInstant } from '../../src/core/contracts/calendar.js';
import { type Contract, ContractSchema } from '../../src/core/contracts/contract.js';
import { isRated, type Obligation, obligationsOf } from '../../src/core/contracts/obligations.js';
import { RegistrationFields as F } from '../../src/core/contracts/registration-form.js';
import { loadPack } from '../../src/core/triage/pack-loader.js';
import type { FormValues, UserRef } from '../../src/core/view.js';
import { EmbeddedScheduler } from '../../src/scheduler/embedded.js';
import { DEFAULT_PACK } from '../../src/service.js';
import { KeyvDialogueRepository } from '../../src/store/dialogue-repository.js';
import { sqliteUrl, testNamespace } from '../helpers/backends.js';
import { MutableClock } from '../helpers/clock.js';
import { cardActions } from '../helpers/teams-harness.js';
import { cardsIn, cardText, findMentions, validateCard } from '../support/adaptive-cards.js';
import { type ConnectorCall, type FakeConnector, startFakeConnector } from '../support/fake-connector.js';
import { completedDialogue, kpi, makeContract } from '../unit/contracts/helpers.js';
import { fixture } from '../unit/triage-helpers.js';
import {
  openStack,
  type Stack,
  saveAll,
  saveTeamsReference,
  schedulerDeps,
  teamsChannelOf,
  teamsChannelPosts,
  teamsChannelReference,
  teamsPosterFor,
} from './stack.js';

interface Tenant {
  /** The Entra tenant id; the bot's tenant is `teams_<id>`. */
  aad: string;
  id: string;
  /** Tenant settings: when digests go out. */
  timeZone: string;
  digestHour: number;
  /** The procurement channel, and what its stored conversation reference says about its readers. */
  channel: string;
  readerZone: string;
  locale: 'en-GB' | 'en-US';
}

const tenant = (aad: string, rest: Omit<Tenant, 'aad' | 'id'>): Tenant => ({ aad, id: `teams_${aad}`, ...rest });
const LONDON = tenant('0b1d4a3e-6c55-4c55-9a3e-7d2b1c0e0001', {
  timeZone: 'Europe/London',
  digestHour: 9,
  channel: '19:procurement-london@thread.tacv2',
  readerZone: 'Europe/London',
  locale: 'en-GB',
});
const NEW_YORK = tenant('0b1d4a3e-6c55-4c55-9a3e-7d2b1c0e0002', {
  timeZone: 'America/New_York',
  digestHour: 8,
  channel: '19:procurement-newyork@thread.tacv2',
  readerZone: 'America/New_York',
  locale: 'en-US',
});
const TENANTS = [LONDON, NEW_YORK];

/** People as a Teams form records them (names typed, no people picker): shown as bold names, never mentions. */
const person = (name: string): UserRef => ({ id: `name:${name}`, name });
const CLERK = person('Cleo Clerk');

/** UK, £6.2m: Contract Performance Notices due. Monthly and quarterly KPIs on the 1st; CPN and docs on 1 Oct. */
const GB1 = makeContract({
  id: 'C-GB0001',
  tenant: LONDON.id,
  platform: 'teams',
  channel: LONDON.channel,
  timeZone: 'Europe/London',
  title: 'Benefit fraud risk scoring',
  start: '2025-10-01',
  end: '2028-09-30',
  kpis: [kpi('K1', 'Service availability', { months: 1 }, true), kpi('K2', 'Accuracy', { months: 3 }, true)],
  cpnDuty: true,
  trackedFrom: '2026-01-01',
  owner: person('Greta Hale'),
  sro: person('Graham Birch'),
  createdBy: CLERK,
});
/** UK, no CPN duty, ends 28 Apr 2027: re-triage due 28 Oct 2026, three days after the clocks go back. */
const GB2 = makeContract({
  id: 'C-GB0002',
  tenant: LONDON.id,
  platform: 'teams',
  channel: LONDON.channel,
  timeZone: 'Europe/London',
  title: 'Council tax chatbot',
  value: { amount: 400_000, currency: 'GBP' },
  start: '2025-04-28',
  end: '2027-04-28',
  kpis: [kpi('K1', 'Deflection rate', { months: 3 })],
  cpnDuty: false,
  trackedFrom: '2026-01-01',
  owner: person('Gail Moss'),
  sro: person('Glen Pike'),
  createdBy: CLERK,
});
/**
 * Reviewed in Sydney, read in London: 09:00 there on 15 Jun is 23:00 UTC on the 14th but midnight in London (BST),
 * so the card must say 15 Jun; on 15 Dec it is 22:00 on the 14th in both.
 */
const GB4 = makeContract({
  id: 'C-GB0004',
  tenant: LONDON.id,
  platform: 'teams',
  channel: LONDON.channel,
  timeZone: 'Australia/Sydney',
  title: 'Translation service quality',
  value: { amount: 300_000, currency: 'GBP' },
  start: '2025-12-15',
  end: '2028-12-14',
  kpis: [kpi('K1', 'Translation accuracy', { months: 6 })],
  cpnDuty: false,
  trackedFrom: '2026-01-01',
  owner: person('Gus Webb'),
  sro: person('Gina Ross'),
  createdBy: CLERK,
});
/** US, quarterly reviews on the 3rd (3 Nov: two days after the clocks go back); ends Feb 2027 (re-triage 3 Aug). */
const NY2 = makeContract({
  id: 'C-NY0002',
  tenant: NEW_YORK.id,
  platform: 'teams',
  channel: NEW_YORK.channel,
  timeZone: 'America/New_York',
  title: 'Benefits eligibility screening',
  value: { amount: 900_000, currency: 'USD' },
  jurisdiction: 'US',
  start: '2025-08-03',
  end: '2027-02-03',
  kpis: [kpi('K1', 'False positive rate', { months: 3 })],
  cpnDuty: false,
  trackedFrom: '2026-01-01',
  owner: person('Nell Ortiz'),
  sro: person('Ned Sloan'),
  createdBy: CLERK,
});
/** Reviewed in Singapore, read in New York: 09:00 there on 20 Jun is 01:00 UTC on the 20th, 21:00 on the 19th in NY. */
const NY3 = makeContract({
  id: 'C-NY0003',
  tenant: NEW_YORK.id,
  platform: 'teams',
  channel: NEW_YORK.channel,
  timeZone: 'Asia/Singapore',
  title: 'Port logistics forecasting',
  value: { amount: 700_000, currency: 'USD' },
  jurisdiction: 'other',
  start: '2025-06-20',
  end: '2028-06-19',
  kpis: [kpi('K1', 'Forecast error', { months: 6 })],
  cpnDuty: false,
  trackedFrom: '2026-01-01',
  owner: person('Nora Lim'),
  sro: person('Nate Tan'),
  createdBy: CLERK,
});

/** Contracts registered at local noon from a completed triage (the benefits-scoring answers), with these values. */
interface Registration {
  tenant: Tenant;
  on: LocalDate;
  dialogueId: string;
  values: FormValues;
}
const REGISTRATIONS: Registration[] = [
  {
    tenant: NEW_YORK,
    on: '2026-02-12',
    dialogueId: 'dlg-newyork-permits',
    values: {
      [F.title]: 'Permit application triage',
      [F.supplier]: 'Civic Data Inc',
      [F.value]: '2,000,000',
      [F.currency]: 'USD',
      [F.jurisdiction]: 'US',
      [F.owner]: 'Nina Park',
      [F.sro]: 'Noah Reyes',
    },
  },
  {
    // UK, £6.2m from the triage: the prefilled KPI pack (at least 3, 3 material) and the CPN duty.
    tenant: LONDON,
    on: '2026-03-02',
    dialogueId: 'dlg-london-benefits',
    values: { [F.supplier]: 'Acme Analytics Ltd', [F.owner]: 'Gwen Owens', [F.sro]: 'Gideon Price' },
  },
];

/** Logged at noon on 15 Jun; its 30-day CPN clock runs out on 12 Jul. */
const BREACH = { contract: GB1.id, loggedOn: '2026-06-15', on: '2026-06-12', note: 'Availability under 95 % in June' };
/** Left overdue for 20 days: the owner is named from 4 Feb, the SRO from 11 Feb; recorded on 17 Feb. */
const ESCALATED = { contract: GB2.id, key: 'kpi:K1:2026-01-28', recordedOn: '2026-02-17' };
/** Snoozed on its due day (7 days, until 10 May), then recorded on 12 May. */
const SNOOZED = { contract: NY2.id, key: 'kpi:K1:2026-05-03', snoozedOn: '2026-05-03', recordedOn: '2026-05-12' };

const STANDING = [GB1, GB2, GB4, NY2, NY3];
/** GB1 as its schedule stands once the breach is logged (the breach's CPN included). */
const GB1_BREACHED = ContractSchema.parse({
  ...GB1,
  breaches: [{ id: 'B1', on: BREACH.on, note: BREACH.note, by: CLERK, at: '2026-06-15T11:00:00.000Z' }],
});
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

/** A due date as the card must show it: 09:00 in the contract's zone, read in the reader's zone and locale. */
function readerDate(due: LocalDate, contractZone: string, t: Tenant): string {
  const local = localTimeOf(zonedInstant(due, 9, 0, contractZone), t.readerZone).date;
  const [year, month, day] = local.split('-').map(Number) as [number, number, number];
  const name = new Intl.DateTimeFormat(t.locale, { month: 'short', timeZone: 'UTC' }).format(
    Date.UTC(year, month - 1, 15),
  );
  return t.locale === 'en-US' ? `${name} ${day}, ${year}` : `${day} ${name} ${year}`;
}

interface ExpectedItem {
  item: string;
  /** The item's line on the card, without its number. */
  line: string;
  overdueDays: number;
  owner: string;
  sro: string;
  contract: Contract;
  obligation: Obligation;
}

/**
 * The order a digest lists items in: overdue first (oldest first), then due today, then upcoming by date; on one
 * date by contract title and id, then KPI reviews in KPI order before notices, refreshes and re-triage.
 */
const KIND_ORDER = { kpi: 0, cpn: 1, 'breach-cpn': 2, docs: 3, retriage: 4 } as const;
function byDigestOrder(date: LocalDate) {
  const rank = (e: ExpectedItem) => (e.obligation.due < date ? 0 : e.obligation.due === date ? 1 : 2);
  const kpiNumber = (e: ExpectedItem) => Number(e.obligation.kpiId?.slice(1) ?? 0);
  return (a: ExpectedItem, b: ExpectedItem) =>
    rank(a) - rank(b) ||
    a.obligation.due.localeCompare(b.obligation.due) ||
    a.contract.title.localeCompare(b.contract.title) ||
    a.contract.id.localeCompare(b.contract.id) ||
    KIND_ORDER[a.obligation.kind] - KIND_ORDER[b.obligation.kind] ||
    kpiNumber(a) - kpiNumber(b) ||
    (a.obligation.key < b.obligation.key ? -1 : a.obligation.key > b.obligation.key ? 1 : 0);
}

/** A digest shows its first 20 items and says how many more there are. */
const SHOWN = 20;

interface Post {
  tenant: Tenant;
  /** The local date and time it went out, in the tenant's zone. */
  localDate: LocalDate;
  localHour: number;
  localMinute: number;
  at: Date;
  call: ConnectorCall;
  card: unknown;
}

interface CardItem {
  item: string;
  line: string;
  /** Names after "owner" and "SRO", and whether they are bold runs. */
  named: Array<{ role: 'owner' | 'SRO'; name: string; bold: boolean }>;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const runsOf = (block: Json): Json[] => (Array.isArray(block.inlines) ? block.inlines.filter(isRecord) : []);
const textOf = (block: Json) =>
  runsOf(block)
    .map((run) => String(run.text))
    .join('');

/** Each digest item on a card: its text block and the Record result button under it. */
function cardItems(card: unknown): CardItem[] {
  const body = isRecord(card) && Array.isArray(card.body) ? card.body.filter(isRecord) : [];
  const items: CardItem[] = [];
  body.forEach((block, i) => {
    const next = body[i + 1];
    const record = cardActions(next).find((a) => a.verb === 'reminder_record');
    if (block.type !== 'RichTextBlock' || next?.type !== 'ActionSet' || !record) return;
    const payload = record.data as unknown as { c: string; k: string };
    const runs = runsOf(block);
    const named: CardItem['named'] = [];
    runs.forEach((run, j) => {
      const role = run.text === ' · owner ' ? 'owner' : run.text === ' · SRO ' ? 'SRO' : undefined;
      const name = runs[j + 1];
      if (role && name) named.push({ role, name: String(name.text), bold: name.weight === 'Bolder' });
    });
    items.push({ item: `${payload.c}|${payload.k}`, line: textOf(block).replace(/^\d+\. /, ''), named });
  });
  return items;
}

/** The card's intro line ("Daily digest · <date> · …"). */
function introOf(card: unknown): string {
  const body = isRecord(card) && Array.isArray(card.body) ? card.body.filter(isRecord) : [];
  return textOf(body.find((b) => textOf(b).startsWith('Daily digest')) ?? {});
}

const DATES_2026: LocalDate[] = Array.from({ length: 365 }, (_, i) => addDays('2026-01-01', i));

describe('a year of daily digests on Teams, in London and New York', () => {
  let connector: FakeConnector;
  let stack: Stack;
  const posts: Post[] = [];
  /** Contracts registered from a triage during the run, with the local date they were registered on. */
  const registered: Array<{ contract: Contract; on: LocalDate }> = [];
  /** Each contract as its schedule stands at the end of the year (the breach included), from when it existed. */
  let final: Array<{ contract: Contract; from: LocalDate }> = [];

  /**
   * What is open on the digest of `date` in `t`, in the order it must be listed, from the schedule and the plan of
   * actions alone: everything due by `date + 7` of a contract registered before that day, not yet recorded (results
   * are recorded after the digest), and not snoozed.
   */
  function expectedDigest(t: Tenant, date: LocalDate): ExpectedItem[] {
    const out: ExpectedItem[] = [];
    for (const { contract, from } of final.filter((f) => tenantOf(f.contract) === t)) {
      if (date <= from) continue;
      for (const obligation of tracked(contract)) {
        if (obligation.due > addDays(date, 7) || date > recordedOn(contract, obligation)) continue;
        if (obligation.kind === 'breach-cpn' && date <= BREACH.loggedOn) continue;
        const snoozed = contract.id === SNOOZED.contract && obligation.key === SNOOZED.key;
        if (snoozed && date > SNOOZED.snoozedOn && date < addDays(SNOOZED.snoozedOn, 7)) continue;
        const overdueDays = Math.max(0, daysBetween(obligation.due, date));
        const when = readerDate(obligation.due, contract.timeZone, t);
        const status =
          obligation.due === date
            ? 'due today'
            : overdueDays > 0
              ? `overdue since ${when} (${overdueDays} ${overdueDays === 1 ? 'day' : 'days'})`
              : `due ${when}`;
        const escalation = [
          overdueDays >= 7 ? ` · owner ${contract.owner.name}` : '',
          overdueDays >= 14 ? ` · SRO ${contract.sro.name}` : '',
        ].join('');
        out.push({
          item: `${contract.id}|${obligation.key}`,
          line: `${contract.title} · ${obligation.title} · ${status}${escalation}`,
          overdueDays,
          owner: contract.owner.name ?? '',
          sro: contract.sro.name ?? '',
          contract,
          obligation,
        });
      }
    }
    return out.sort(byDigestOrder(date));
  }

  /** People's actions, by tenant and local date, done at local noon. */
  const actions = new Map<string, Array<() => Promise<unknown>>>();
  const at = (t: Tenant, date: LocalDate, action: () => Promise<unknown>) => {
    const key = `${t.id}|${date}`;
    actions.set(key, [...(actions.get(key) ?? []), action]);
  };
  /** Records every tracked result of `contract` on the day planned for it. */
  function planResults(contract: Contract): void {
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
  /** The registration form as the triage prefilled it, with `values` typed over it, submitted. */
  async function register(registration: Registration): Promise<void> {
    const { tenant: t, dialogueId } = registration;
    const form = await stack.contracts.registrationFormFor({
      tenant: t.id,
      dialogueId,
      by: CLERK,
      timeZone: t.timeZone,
    });
    const values: FormValues = {};
    for (const field of form.fields) {
      values[field.id] =
        field.kind === 'multiselect'
          ? (field.initial ?? [])
          : field.kind === 'user'
            ? field.initial?.name
            : field.initial;
    }
    const outcome = await stack.contracts.register({
      tenant: t.id,
      dialogueId,
      platform: 'teams',
      values: { ...values, ...registration.values },
      by: CLERK,
      timeZone: t.timeZone,
    });
    if (!outcome.ok) throw new Error(`registration refused: ${JSON.stringify(outcome.form.errors)}`);
    expect(outcome.contract).toMatchObject({ platform: 'teams', channel: t.channel, timeZone: t.timeZone });
    registered.push({ contract: outcome.contract, on: registration.on });
    planResults(outcome.contract);
  }

  beforeAll(async () => {
    connector = await startFakeConnector();
    const clock = new MutableClock(new Date('2026-01-01T00:00:00Z'));
    stack = await openStack(sqliteUrl(), { clock, namespace: testNamespace() });
    const pack = await loadPack(DEFAULT_PACK);
    const benefits = fixture('benefits-scoring');
    const dialogues = new KeyvDialogueRepository(stack.records);
    for (const t of TENANTS) {
      await stack.settings.update(t.id, {
        timeZone: t.timeZone,
        digestHour: t.digestHour,
        procurementChannel: t.channel,
      });
      await saveTeamsReference(
        stack,
        teamsChannelReference({
          serviceUrl: connector.url,
          tenantId: t.aad,
          channel: t.channel,
          timezone: t.readerZone,
          locale: t.locale,
        }),
      );
    }
    for (const registration of REGISTRATIONS) {
      // The triage ran in a thread of another channel; its contract's reminders go to the procurement channel.
      await dialogues.save(
        completedDialogue(pack, benefits, {
          id: registration.dialogueId,
          tenant: registration.tenant.id,
          platform: 'teams',
          channel: '19:channel-ai-buying@thread.tacv2;messageid=1789000000001',
        }),
      );
      at(registration.tenant, registration.on, () => register(registration));
    }
    await saveAll(stack, STANDING);
    // The bot has been running through 2025: both channels had their digest for 31 December.
    for (const t of TENANTS) {
      await stack.digests.setLastSent({ tenant: t.id, platform: 'teams', channel: t.channel }, '2025-12-31');
    }
    for (const contract of STANDING) planResults(contract === GB1 ? GB1_BREACHED : contract);
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
    // Pacing is 1 ms, not 1 s: a simulated day passes in well under a real second (delivery.test.ts checks pacing).
    const poster = await teamsPosterFor(stack, 1);
    const scheduler = new EmbeddedScheduler(schedulerDeps(stack, { teams: poster }, clock));

    const started = Date.now();
    let seen = 0;
    const end = Date.parse('2027-01-01T00:00:00Z');
    for (let t = clock.now().getTime(); t < end; t += 15 * 60_000) {
      clock.set(new Date(t));
      await scheduler.tick();
      for (; seen < connector.calls.length; seen += 1) {
        const call = connector.calls[seen]!;
        if (call.method !== 'create') continue;
        const owner = TENANTS.find((x) => x.channel === teamsChannelOf(call));
        if (!owner) throw new Error(`a post to an unknown channel: ${teamsChannelOf(call)}`);
        const local = localTimeOf(clock.now(), owner.timeZone);
        posts.push({
          tenant: owner,
          localDate: local.date,
          localHour: local.hour,
          localMinute: local.minute,
          at: clock.now(),
          call,
          card: cardsIn(call.body)[0],
        });
      }
      for (const x of TENANTS) {
        const local = localTimeOf(clock.now(), x.timeZone);
        if (local.hour !== 12 || local.minute !== 0) continue;
        for (const action of actions.get(`${x.id}|${local.date}`) ?? []) await action();
      }
    }
    final = [
      ...STANDING.map((c) => ({ contract: c === GB1 ? GB1_BREACHED : c, from: '2025-12-31' })),
      ...registered.map(({ contract, on }) => ({ contract, from: on })),
    ];
    // Reported, not asserted: wall time depends on the machine's load.
    console.info(`Teams year simulation: ${posts.length} digests in ${Date.now() - started} ms`);
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await connector?.close();
  });

  const postsOf = (t: Tenant) => posts.filter((p) => p.tenant === t);
  const postOn = (t: Tenant, date: LocalDate) => postsOf(t).find((p) => p.localDate === date);

  it('registers a contract from a triage in each tenant, for its procurement channel', () => {
    expect(registered.map((r) => [r.contract.tenant, r.contract.channel, r.on])).toEqual(
      REGISTRATIONS.map((r) => [r.tenant.id, r.tenant.channel, r.on]),
    );
    for (const { contract } of registered) expect(tracked(contract).length).toBeGreaterThan(2);
  });

  it('posts every digest as a new post in the procurement channel, each card valid', () => {
    expect(posts.length).toBeGreaterThan(100);
    expect(connector.violations).toEqual([]);
    // Nothing but digests: no replies, no failed attempts.
    expect(connector.calls.filter((c) => c.method !== 'create')).toEqual([]);
    expect(teamsChannelPosts(connector.calls)).toHaveLength(posts.length);
    for (const post of posts) {
      expect(post.call.status).toBe(201);
      expect(post.call.body).toMatchObject({ isGroup: true, tenantId: post.tenant.aad });
      expect(post.call.conversationId?.startsWith(`${post.tenant.channel};messageid=`)).toBe(true);
      expect({ date: post.localDate, errors: validateCard(post.card) }).toEqual({ date: post.localDate, errors: [] });
      // Teams refuses messages over about 28 KB; a full digest (20 items) stays well under.
      expect(JSON.stringify(post.call.body).length).toBeLessThan(24_000);
    }
  });

  it.each(TENANTS)('$timeZone: a digest on exactly the days something is due, overdue or upcoming, once each', (t) => {
    const expected = DATES_2026.filter((date) => expectedDigest(t, date).length > 0);
    expect(postsOf(t).map((p) => p.localDate)).toEqual(expected);
    // Quiet days exist (results are recorded on time), so this is not simply "every day".
    expect(expected.length).toBeGreaterThan(60);
    expect(expected.length).toBeLessThan(300);
  });

  it.each(TENANTS)('$timeZone: every digest goes out at the tenant’s local digest hour', (t) => {
    for (const post of postsOf(t)) {
      expect({ date: post.localDate, hour: post.localHour, minute: post.localMinute }).toEqual({
        date: post.localDate,
        hour: t.digestHour,
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

  it.each(TENANTS)('$timeZone: each card lists what is open that day, in order, each line as it must read', (t) => {
    let truncated = 0;
    for (const post of postsOf(t)) {
      const expected = expectedDigest(t, post.localDate);
      const got = cardItems(post.card);
      expect({ date: post.localDate, items: got.map((i) => `${i.item} · ${i.line}`) }).toEqual({
        date: post.localDate,
        items: expected.slice(0, SHOWN).map((e) => `${e.item} · ${e.line}`),
      });
      const more = expected.length - SHOWN;
      const text = cardText(post.card);
      if (more > 0) {
        truncated += 1;
        expect(text, post.localDate).toContain(`and ${more} more: use the \nkpi\n command to see them all.`);
      } else expect(text, post.localDate).not.toContain(' more: use the');
    }
    // The triage-registered contract's KPI pack is larger than one card shows: its review days say how many more.
    expect(truncated).toBeGreaterThan(0);
  });

  it.each(TENANTS)('$timeZone: dates read in the channel’s stored zone and locale, never in UTC', (t) => {
    for (const post of postsOf(t)) {
      expect(introOf(post.card)).toContain(`Daily digest · ${readerDate(post.localDate, t.timeZone, t)} · `);
      expect(cardText(post.card)).not.toContain('UTC');
    }
    // A date the card writes, e.g. "1 May 2026" in London, "May 1, 2026" in New York.
    const sample = t === LONDON ? '1 May 2026' : 'May 1, 2026';
    expect(posts.some((p) => p.tenant === t && cardText(p.card).includes(sample))).toBe(true);
  });

  it('writes a due date on the reader’s day when the contract’s zone puts it on another day in UTC', () => {
    // Sydney 09:00 on 15 Jun is 14 Jun 23:00 UTC, 15 Jun 00:00 in London; on 15 Dec, 14 Dec 22:00 in both.
    const june = cardItems(postOn(LONDON, '2026-06-10')!.card).find((i) => i.item === `${GB4.id}|kpi:K1:2026-06-15`);
    expect(june?.line).toContain('due 15 Jun 2026');
    const december = cardItems(postOn(LONDON, '2026-12-10')!.card).find(
      (i) => i.item === `${GB4.id}|kpi:K1:2026-12-15`,
    );
    expect(december?.line).toContain('due 14 Dec 2026');
    // Singapore 09:00 on 20 Jun is 20 Jun 01:00 UTC, 19 Jun 21:00 in New York.
    const singapore = cardItems(postOn(NEW_YORK, '2026-06-15')!.card).find(
      (i) => i.item === `${NY3.id}|kpi:K1:2026-06-20`,
    );
    expect(singapore?.line).toContain('due Jun 19, 2026');
  });

  it.each(TENANTS)(
    '$timeZone: names the owner from 7 days overdue and the SRO from 14, in bold, never as mentions',
    (t) => {
      for (const post of postsOf(t)) {
        expect(findMentions(post.call.body)).toEqual([]);
        const expected = expectedDigest(t, post.localDate).slice(0, SHOWN);
        const named = cardItems(post.card).flatMap((i) => i.named);
        expect(named.every((n) => n.bold)).toBe(true);
        const want = expected.flatMap((e) => [
          ...(e.overdueDays >= 7 ? [`owner ${e.owner}`] : []),
          ...(e.overdueDays >= 14 ? [`SRO ${e.sro}`] : []),
        ]);
        expect({ date: post.localDate, named: named.map((n) => `${n.role} ${n.name}`).sort() }).toEqual({
          date: post.localDate,
          named: want.sort(),
        });
      }
    },
  );

  it('escalates an overdue review: the owner from 7 days, the SRO from 14; recording it ends the reminders', () => {
    const item = `${ESCALATED.contract}|${ESCALATED.key}`;
    const day = (n: number) => addDays('2026-01-28', n);
    for (let n = 1; n <= 20; n += 1) {
      const post = postOn(LONDON, day(n));
      expect(post, day(n)).toBeDefined();
      const found = cardItems(post!.card).find((i) => i.item === item);
      expect(found, day(n)).toBeDefined();
      const names = found!.named.map((x) => `${x.role} ${x.name}`);
      expect(names.includes(`owner ${GB2.owner.name}`), `owner on ${day(n)}`).toBe(n >= 7);
      expect(names.includes(`SRO ${GB2.sro.name}`), `SRO on ${day(n)}`).toBe(n >= 14);
    }
    const after = postsOf(LONDON).filter((p) => p.localDate > ESCALATED.recordedOn);
    expect(after.length).toBeGreaterThan(0);
    for (const post of after) expect(cardItems(post.card).some((i) => i.item === item)).toBe(false);
  });

  it('drops each recorded result from the next digest on', () => {
    // Every result recorded on its due day: listed that morning as due today, gone from the next digest.
    let checked = 0;
    for (const { contract } of final) {
      const t = tenantOf(contract);
      for (const obligation of tracked(contract)) {
        const recorded = recordedOn(contract, obligation);
        if (recorded < '2026-01-01' || recorded > '2026-12-31') continue;
        const item = `${contract.id}|${obligation.key}`;
        const later = postsOf(t).filter((p) => p.localDate > recorded);
        for (const post of later)
          expect(
            cardItems(post.card).some((i) => i.item === item),
            item,
          ).toBe(false);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('hides a snoozed item for 7 days, then shows it again, overdue since its original date', () => {
    const item = `${SNOOZED.contract}|${SNOOZED.key}`;
    const listed = (date: LocalDate) => cardItems(postOn(NEW_YORK, date)?.card).find((i) => i.item === item);
    expect(listed('2026-05-03')).toBeDefined();
    for (let n = 1; n <= 6; n += 1) expect(listed(addDays('2026-05-03', n))).toBeUndefined();
    const back = listed('2026-05-10')!;
    expect(back.line).toContain('overdue since May 3, 2026 (7 days)');
    expect(back.named).toEqual([{ role: 'owner', name: NY2.owner.name, bold: true }]);
    expect(listed('2026-05-12')).toBeDefined();
  });

  it('reminds of the CPN, the breach’s 30-day CPN clock, documentation refreshes and re-triage', () => {
    const listed = (t: Tenant, date: LocalDate, item: string) =>
      cardItems(postOn(t, date)?.card).some((i) => i.item === item);
    const window = (t: Tenant, item: string, due: LocalDate) => {
      expect(listed(t, addDays(due, -8), item), `${item} before its week`).toBe(false);
      for (let n = -7; n <= 0; n += 1) expect(listed(t, addDays(due, n), item), `${item} ${n}`).toBe(true);
      expect(listed(t, addDays(due, 1), item), `${item} after it was recorded`).toBe(false);
    };
    window(LONDON, `${GB1.id}|cpn:2026-10-01`, '2026-10-01');
    window(LONDON, `${GB1.id}|breach-cpn:B1`, '2026-07-12');
    window(LONDON, `${GB1.id}|docs:2026-10-01`, '2026-10-01');
    window(LONDON, `${GB2.id}|retriage:2026-10-28`, '2026-10-28');
    window(NEW_YORK, `${NY2.id}|retriage:2026-08-03`, '2026-08-03');
    window(NEW_YORK, `${NY2.id}|docs:2026-08-03`, '2026-08-03');
    expect(cardText(postOn(LONDON, '2026-07-12')!.card)).toContain('Breach: publish a CPN within 30 days');
    const notices = cardText(postOn(LONDON, '2026-10-01')!.card);
    expect(notices).toContain('Contract Performance Notice due');
    expect(notices).toContain('Documentation refresh');
  });

  it('reminds of a triage-registered contract’s reviews from its first one, not before it was registered', () => {
    for (const { contract, on } of registered) {
      const t = tenantOf(contract);
      const ids = (p: Post) => cardItems(p.card).map((i) => i.item.split('|')[0]);
      expect(postsOf(t).filter((p) => p.localDate <= on && ids(p).includes(contract.id))).toEqual([]);
      const first = tracked(contract).reduce((a, b) => (b.due < a.due ? b : a));
      expect(first.due > on).toBe(true);
      expect(ids(postOn(t, first.due)!)).toContain(contract.id);
    }
  });
});
