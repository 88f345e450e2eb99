/**
 * A year of reminders on Teams, driven by a clock: two Teams tenants (London at 09:00, New York at 08:00) through
 * 2026 and all four daylight-saving changes, the real SQLite store, ContractService, digest repository,
 * EmbeddedScheduler and Teams poster (botbuilder in local mode) against the fake Bot Connector. The tenant's
 * settings decide when a digest goes out; the channel's stored conversation reference (its zone and locale) decides
 * how dates read on the card. One contract per tenant is registered from a completed triage mid-year; the others
 * stand from the start, two of them reviewed in a zone other than the reader's (Sydney, Singapore), whose 09:00 falls
 * on another date for the reader than in UTC. People act at local noon (after the digest): they record each result
 * on its due day, except one left overdue (escalation) and one snoozed. What each channel should have received is
 * computed independently from the obligation schedule and that plan of actions (year-model.ts), then compared card
 * by card; the checks Slack shares are in year-checks.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type LocalDate, localTimeOf, zonedInstant } from '../../src/core/calendar.js';
import type { Contract } from '../../src/core/contracts/contract.js';
import { RegistrationFields as F } from '../../src/core/contracts/registration-form.js';
import { loadPack } from '../../src/core/triage/pack-loader.js';
import type { FormValues, UserRef } from '../../src/core/view.js';
import { EmbeddedScheduler } from '../../src/scheduler/embedded.js';
import { DEFAULT_PACK } from '../../src/service.js';
import { KeyvDialogueRepository } from '../../src/store/dialogue-repository.js';
import { actorOf } from '../helpers/access.js';
import { sqliteUrl, testNamespace } from '../helpers/backends.js';
import { MutableClock } from '../helpers/clock.js';
import { cardsIn, cardText, findMentions, validateCard } from '../support/adaptive-cards.js';
import { type ConnectorCall, type FakeConnector, startFakeConnector } from '../support/fake-connector.js';
import { completedDialogue, kpi } from '../unit/contracts/helpers.js';
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
import { cardDate, cardItems, introOf } from './teams-digest-card.js';
import {
  type DigestReader,
  itEscalatesAnOverdueReview,
  itKeepsTheDailySchedule,
  itRemindsOfNotices,
} from './year-checks.js';
import {
  benefitFraudScoring,
  byDigestOrder,
  councilTaxChatbot,
  eligibilityScreening,
  escalatedTo,
  LONDON_DIGESTS,
  NEW_YORK_DIGESTS,
  type OpenItem,
  openOn,
  type Placement,
  placed,
  RUNNING_SINCE,
  recordedOn,
  SNOOZED,
  tracked,
  withBreach,
  type YearContract,
  type YearTenant,
} from './year-model.js';
import { ActionPlan, type Posted, postedAt, runYear, YEAR_START, YearPosts } from './year-run.js';

interface Tenant extends YearTenant {
  /** The Entra tenant id; the bot's tenant is `teams_<id>`. */
  aad: string;
  /** What the procurement channel's stored conversation reference says about its readers. */
  readerZone: string;
  locale: 'en-GB' | 'en-US';
}

const tenant = (aad: string, rest: Omit<Tenant, 'aad' | 'id'>): Tenant => ({ aad, id: `teams_${aad}`, ...rest });
const LONDON = tenant('0b1d4a3e-6c55-4c55-9a3e-7d2b1c0e0001', {
  ...LONDON_DIGESTS,
  channel: '19:procurement-london@thread.tacv2',
  readerZone: 'Europe/London',
  locale: 'en-GB',
});
const NEW_YORK = tenant('0b1d4a3e-6c55-4c55-9a3e-7d2b1c0e0002', {
  ...NEW_YORK_DIGESTS,
  channel: '19:procurement-newyork@thread.tacv2',
  readerZone: 'America/New_York',
  locale: 'en-US',
});
const TENANTS = [LONDON, NEW_YORK];

/** People as a Teams form records them (names typed, no people picker): shown as bold names, never mentions. */
const person = (name: string): UserRef => ({ id: `name:${name}`, name });
const CLERK = person('Cleo Clerk');
const people = (t: Tenant, owner: string, sro: string): Placement => ({
  tenant: t,
  platform: 'teams',
  owner: person(owner),
  sro: person(sro),
  createdBy: CLERK,
});

const GB1 = benefitFraudScoring(people(LONDON, 'Greta Hale', 'Graham Birch'));
const GB2 = councilTaxChatbot(people(LONDON, 'Gail Moss', 'Glen Pike'));
/**
 * Reviewed in Sydney, read in London: 09:00 there on 15 Jun is 23:00 UTC on the 14th but midnight in London (BST),
 * so the card must say 15 Jun; on 15 Dec it is 22:00 on the 14th in both.
 */
const GB4 = placed(people(LONDON, 'Gus Webb', 'Gina Ross'), {
  id: 'C-GB0004',
  timeZone: 'Australia/Sydney',
  title: 'Translation service quality',
  value: { amount: 300_000, currency: 'GBP' },
  start: '2025-12-15',
  end: '2028-12-14',
  kpis: [kpi('K1', 'Translation accuracy', { months: 6 })],
});
const NY2 = eligibilityScreening(people(NEW_YORK, 'Nell Ortiz', 'Ned Sloan'));
/** Reviewed in Singapore, read in New York: 09:00 there on 20 Jun is 01:00 UTC on the 20th, 21:00 on the 19th in NY. */
const NY3 = placed(people(NEW_YORK, 'Nora Lim', 'Nate Tan'), {
  id: 'C-NY0003',
  timeZone: 'Asia/Singapore',
  title: 'Port logistics forecasting',
  value: { amount: 700_000, currency: 'USD' },
  jurisdiction: 'other',
  start: '2025-06-20',
  end: '2028-06-19',
  kpis: [kpi('K1', 'Forecast error', { months: 6 })],
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

const STANDING = [GB1, GB2, GB4, NY2, NY3];
/** GB1 as its schedule stands once the breach is logged (the breach's CPN included). */
const GB1_BREACHED = withBreach(GB1, CLERK);
const tenantOf = (contract: Contract) => (contract.tenant === LONDON.id ? LONDON : NEW_YORK);

/** A due date as the card must show it: 09:00 in the contract's zone, read in the reader's zone and locale. */
function readerDate(due: LocalDate, contractZone: string, t: Tenant): string {
  return cardDate(localTimeOf(zonedInstant(due, 9, 0, contractZone), t.readerZone).date, t.locale);
}

interface ExpectedItem extends OpenItem {
  /** The item's line on the card, without its number. */
  line: string;
}

/** A digest shows its first 20 items and says how many more there are. */
const SHOWN = 20;

interface Post extends Posted<Tenant> {
  call: ConnectorCall;
  card: unknown;
}

const reader: DigestReader<Post> = {
  lists: (post, item) => cardItems(post?.card).some((i) => i.item === item),
  names: (post, item, role, who) =>
    cardItems(post.card)
      .find((i) => i.item === item)
      ?.named.some((n) => n.role === role && n.name === who.name) ?? false,
  text: (post) => cardText(post.card),
};

describe('a year of daily digests on Teams, in London and New York', () => {
  let connector: FakeConnector;
  let stack: Stack;
  let plan: ActionPlan;
  const posts = new YearPosts<Post>();
  /** Contracts registered from a triage during the run, with the local date they were registered on. */
  const registered: Array<{ contract: Contract; on: LocalDate }> = [];
  /** Each contract as its schedule stands at the end of the year (the breach included), from when it existed. */
  let final: YearContract[] = [];

  /** What is open on the digest of `date` in `t` (year-model.ts), in the order it must be listed, as each line reads. */
  function expectedDigest(t: Tenant, date: LocalDate): ExpectedItem[] {
    return openOn(final, t, date)
      .map((open) => {
        const { contract, obligation, overdueDays } = open;
        const when = readerDate(obligation.due, contract.timeZone, t);
        const status =
          obligation.due === date
            ? 'due today'
            : overdueDays > 0
              ? `overdue since ${when} (${overdueDays} ${overdueDays === 1 ? 'day' : 'days'})`
              : `due ${when}`;
        const escalation = escalatedTo(open)
          .map((x) => ` · ${x.role} ${x.person.name}`)
          .join('');
        return { ...open, line: `${contract.title} · ${obligation.title} · ${status}${escalation}` };
      })
      .sort(byDigestOrder(date));
  }

  /** The registration form as the triage prefilled it, with `values` typed over it, submitted. */
  async function register(registration: Registration): Promise<void> {
    const { tenant: t, dialogueId } = registration;
    const form = await stack.contracts.registrationFormFor({
      tenant: t.id,
      dialogueId,
      by: actorOf(CLERK, { admin: true }),
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
      by: actorOf(CLERK, { admin: true }),
      timeZone: t.timeZone,
    });
    if (!outcome.ok) throw new Error(`registration refused: ${JSON.stringify(outcome.form.errors)}`);
    expect(outcome.contract).toMatchObject({ platform: 'teams', channel: t.channel, timeZone: t.timeZone });
    registered.push({ contract: outcome.contract, on: registration.on });
    plan.recordResults(outcome.contract);
  }

  beforeAll(async () => {
    connector = await startFakeConnector();
    const clock = new MutableClock(new Date(YEAR_START));
    stack = await openStack(sqliteUrl(), { clock, namespace: testNamespace() });
    plan = new ActionPlan(stack);
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
      plan.at(registration.tenant.id, registration.on, () => register(registration));
    }
    await saveAll(stack, STANDING);
    for (const t of TENANTS) {
      await stack.digests.setLastSent({ tenant: t.id, platform: 'teams', channel: t.channel }, RUNNING_SINCE);
    }
    for (const contract of STANDING) plan.recordResults(contract === GB1 ? GB1_BREACHED : contract);
    plan.logBreach(GB1, CLERK);
    plan.snooze(NY2);
    // Pacing is 1 ms, not 1 s: a simulated day passes in well under a real second (delivery.test.ts checks pacing).
    const poster = await teamsPosterFor(stack, 1);
    const scheduler = new EmbeddedScheduler(schedulerDeps(stack, { teams: poster }, clock));

    await runYear({
      clock,
      scheduler,
      tenants: TENANTS,
      plan,
      calls: () => connector.calls,
      digestOf: (call, now) => {
        if (call.method !== 'create') return undefined;
        const owner = TENANTS.find((x) => x.channel === teamsChannelOf(call));
        if (!owner) throw new Error(`a post to an unknown channel: ${teamsChannelOf(call)}`);
        return { ...postedAt(owner, now), call, card: cardsIn(call.body)[0] };
      },
      posts,
      label: 'Teams year simulation',
    });
    final = [
      ...STANDING.map((c) => ({ contract: c === GB1 ? GB1_BREACHED : c, from: RUNNING_SINCE })),
      ...registered.map(({ contract, on }) => ({ contract, from: on })),
    ];
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await connector?.close();
  });

  const suite = {
    london: LONDON,
    newYork: NEW_YORK,
    posts,
    reader,
    escalated: GB2,
    isDue: (t: Tenant, date: LocalDate) => expectedDigest(t, date).length > 0,
  };

  it('registers a contract from a triage in each tenant, for its procurement channel', () => {
    expect(registered.map((r) => [r.contract.tenant, r.contract.channel, r.on])).toEqual(
      REGISTRATIONS.map((r) => [r.tenant.id, r.tenant.channel, r.on]),
    );
    for (const { contract } of registered) expect(tracked(contract).length).toBeGreaterThan(2);
  });

  it('posts every digest as a new post in the procurement channel, each card valid', () => {
    expect(posts.all.length).toBeGreaterThan(100);
    expect(connector.violations).toEqual([]);
    // Nothing but digests: no replies, no failed attempts.
    expect(connector.calls.filter((c) => c.method !== 'create')).toEqual([]);
    expect(teamsChannelPosts(connector.calls)).toHaveLength(posts.all.length);
    for (const post of posts.all) {
      expect(post.call.status).toBe(201);
      expect(post.call.body).toMatchObject({ isGroup: true, tenantId: post.tenant.aad });
      expect(post.call.conversationId?.startsWith(`${post.tenant.channel};messageid=`)).toBe(true);
      expect({ date: post.localDate, errors: validateCard(post.card) }).toEqual({ date: post.localDate, errors: [] });
      // Teams refuses messages over about 28 KB; a full digest (20 items) stays well under.
      expect(JSON.stringify(post.call.body).length).toBeLessThan(24_000);
    }
  });

  itKeepsTheDailySchedule(suite);

  it.each(TENANTS)('$timeZone: each card lists what is open that day, in order, each line as it must read', (t) => {
    let truncated = 0;
    for (const post of posts.of(t)) {
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
    for (const post of posts.of(t)) {
      expect(introOf(post.card)).toContain(`Daily digest · ${readerDate(post.localDate, t.timeZone, t)} · `);
      expect(cardText(post.card)).not.toContain('UTC');
    }
    // A date the card writes, e.g. "1 May 2026" in London, "May 1, 2026" in New York.
    const sample = t === LONDON ? '1 May 2026' : 'May 1, 2026';
    expect(posts.all.some((p) => p.tenant === t && cardText(p.card).includes(sample))).toBe(true);
  });

  it('writes a due date on the reader’s day when the contract’s zone puts it on another day in UTC', () => {
    // Sydney 09:00 on 15 Jun is 14 Jun 23:00 UTC, 15 Jun 00:00 in London; on 15 Dec, 14 Dec 22:00 in both.
    const june = cardItems(posts.on(LONDON, '2026-06-10')!.card).find((i) => i.item === `${GB4.id}|kpi:K1:2026-06-15`);
    expect(june?.line).toContain('due 15 Jun 2026');
    const december = cardItems(posts.on(LONDON, '2026-12-10')!.card).find(
      (i) => i.item === `${GB4.id}|kpi:K1:2026-12-15`,
    );
    expect(december?.line).toContain('due 14 Dec 2026');
    // Singapore 09:00 on 20 Jun is 20 Jun 01:00 UTC, 19 Jun 21:00 in New York.
    const singapore = cardItems(posts.on(NEW_YORK, '2026-06-15')!.card).find(
      (i) => i.item === `${NY3.id}|kpi:K1:2026-06-20`,
    );
    expect(singapore?.line).toContain('due Jun 19, 2026');
  });

  it.each(TENANTS)(
    '$timeZone: names the owner from 7 days overdue and the SRO from 14, in bold, never as mentions',
    (t) => {
      for (const post of posts.of(t)) {
        expect(findMentions(post.call.body)).toEqual([]);
        const expected = expectedDigest(t, post.localDate).slice(0, SHOWN);
        const named = cardItems(post.card).flatMap((i) => i.named);
        expect(named.every((n) => n.bold)).toBe(true);
        const want = expected.flatMap((e) => escalatedTo(e).map((x) => `${x.role} ${x.person.name ?? ''}`));
        expect({ date: post.localDate, named: named.map((n) => `${n.role} ${n.name}`).sort() }).toEqual({
          date: post.localDate,
          named: want.sort(),
        });
      }
    },
  );

  itEscalatesAnOverdueReview(suite);

  it('drops each recorded result from the next digest on', () => {
    // Every result recorded on its due day: listed that morning as due today, gone from the next digest.
    let checked = 0;
    for (const { contract } of final) {
      const t = tenantOf(contract);
      for (const obligation of tracked(contract)) {
        const recorded = recordedOn(contract, obligation);
        if (recorded < '2026-01-01' || recorded > '2026-12-31') continue;
        const item = `${contract.id}|${obligation.key}`;
        const later = posts.of(t).filter((p) => p.localDate > recorded);
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
    const listed = (date: LocalDate) => cardItems(posts.on(NEW_YORK, date)?.card).find((i) => i.item === item);
    expect(listed('2026-05-03')).toBeDefined();
    for (let n = 1; n <= 6; n += 1) expect(listed(addDays('2026-05-03', n))).toBeUndefined();
    const back = listed('2026-05-10')!;
    expect(back.line).toContain('overdue since May 3, 2026 (7 days)');
    expect(back.named).toEqual([{ role: 'owner', name: NY2.owner.name, bold: true, mentioned: false }]);
    expect(listed('2026-05-12')).toBeDefined();
  });

  itRemindsOfNotices(suite);

  it('reminds of a triage-registered contract’s reviews from its first one, not before it was registered', () => {
    for (const { contract, on } of registered) {
      const t = tenantOf(contract);
      const ids = (p: Post) => cardItems(p.card).map((i) => i.item.split('|')[0]);
      expect(posts.of(t).filter((p) => p.localDate <= on && ids(p).includes(contract.id))).toEqual([]);
      const first = tracked(contract).reduce((a, b) => (b.due < a.due ? b : a));
      expect(first.due > on).toBe(true);
      expect(ids(posts.on(t, first.due)!)).toContain(contract.id);
    }
  });
});
