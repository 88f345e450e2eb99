import { describe, expect, it } from 'vitest';
import { renderMessage } from '../../../src/channels/slack/render/blocks.js';
import { renderCard } from '../../../src/channels/teams/render/cards.js';
import { zonedInstant } from '../../../src/core/calendar.js';
import { ContractActions, ContractPayloadSchema } from '../../../src/core/contracts/actions.js';
import type { Contract } from '../../../src/core/contracts/contract.js';
import {
  DIGEST_MAX_ITEMS,
  type DigestItem,
  digestItems,
  digestView,
  dueListView,
} from '../../../src/core/contracts/digest.js';
import { findObligation } from '../../../src/core/contracts/obligations.js';
import {
  breachLoggedView,
  contractsListView,
  contractView,
  registeredView,
  resultRecordedView,
  snoozedView,
} from '../../../src/core/contracts/views.js';
import { HistoryActions } from '../../../src/core/history/actions.js';
import { type Inline, type Paragraph, plainText, type View } from '../../../src/core/view.js';
import {
  CONFORMANCE_MISSING_MESSAGE,
  cardText,
  findMentions,
  loadCardValidator,
  validateCard,
} from '../../support/adaptive-cards.js';
import { findBroadcastMentions, validateMessage } from '../../support/blockkit.js';
import { CLERK, kpi, makeContract, OWNER, SRO, stringsIn } from './helpers.js';

if (!loadCardValidator()) console.warn(CONFORMANCE_MISSING_MESSAGE);

const TODAY = '2026-07-15';
const london = makeContract({ kpis: [kpi('K1', 'Service availability', { months: 1 }, true)], cpnDuty: false });
const sydney = makeContract({
  id: 'C-SYDNEY',
  title: 'Grant triage assistant',
  timeZone: 'Australia/Sydney',
  start: '2026-06-20',
  trackedFrom: '2026-06-20',
  kpis: [kpi('K3', 'Task accuracy', { months: 1 })],
  cpnDuty: false,
});

const paragraphs = (view: View): Paragraph[] =>
  view.blocks.flatMap((b) =>
    b.type === 'text' || b.type === 'context'
      ? [b.content]
      : b.type === 'list'
        ? b.items
        : b.type === 'facts'
          ? b.items.map((f) => f.value)
          : [],
  );
const inlines = (view: View): Inline[] => paragraphs(view).flat();
const itemTexts = (view: View) =>
  view.blocks.filter((b) => b.type === 'text').map((b) => (b.type === 'text' ? plainText(b.content) : ''));

/** Renders on both platforms and checks their limits; returns the Slack message and the Teams card. */
function rendersEverywhere(view: View) {
  const slack = renderMessage(view);
  expect(validateMessage(slack)).toEqual([]);
  expect(findBroadcastMentions(slack)).toEqual([]);
  const card = renderCard(view, { timeZone: 'Europe/London' });
  expect(validateCard(card)).toEqual([]);
  expect(findMentions(card)).toEqual([]);
  // Teams rejects messages over about 28 KB.
  expect(JSON.stringify(card).length).toBeLessThan(28_000);
  for (const action of view.actions ?? []) expect(JSON.stringify(action.value).length).toBeLessThanOrEqual(2000);
  return { slack, card };
}

/** Views carry text as data: no Slack or Teams markup in any string (renderers add it). */
function expectNoMarkup(view: View) {
  for (const text of stringsIn(view)) {
    expect(text, text).not.toMatch(/<[@#!]|<at>|\*[^*\s][^*]*\*|<https?:/);
  }
}

describe('the daily digest', () => {
  const items = digestItems([london, sydney], TODAY);

  it('lists overdue items first (oldest first), then today, then the rest of the week', () => {
    expect(items.map((i) => [i.contractId, i.obligation.key, i.status, i.overdueDays, i.escalate])).toEqual([
      ['C-7K2M9Q', 'kpi:K1:2026-05-01', 'overdue', 75, 'sro'],
      ['C-7K2M9Q', 'kpi:K1:2026-06-01', 'overdue', 44, 'sro'],
      ['C-7K2M9Q', 'kpi:K1:2026-07-01', 'overdue', 14, 'sro'],
      ['C-SYDNEY', 'kpi:K3:2026-07-20', 'upcoming', 0, 'none'],
    ]);
    const mixed = digestItems(
      [london, makeContract({ ...london, id: 'C-000001', title: 'A', start: '2026-06-15', trackedFrom: '2026-06-15' })],
      TODAY,
    );
    expect(mixed.map((i) => i.status)).toEqual(['overdue', 'overdue', 'overdue', 'today']);
    expect(items[0]).toMatchObject({ contractTitle: london.title, owner: OWNER, sro: SRO, timeZone: 'Europe/London' });
  });

  it('says how much is due in the heading, and shows each item with its due date as a moment readers see in their zone', () => {
    const view = digestView(items, { date: TODAY, timeZone: 'Europe/London', channelName: 'procurement' });
    expect(view.heading).toBe('AI contract reminders: 3 overdue, 1 due this week');
    expect(view.fallback).toBe(view.heading);
    expect(itemTexts(view)[0]).toMatch(
      /^1\. Housing benefit claim risk scoring · K1 Service availability review · overdue since 2026-05-01/,
    );
    expect(itemTexts(view)[0]).toContain('(75 days)');
    const dates = inlines(view).filter(
      (i): i is { date: { at: number; style: 'date' } } => typeof i === 'object' && 'date' in i,
    );
    expect(dates.map((d) => d.date.at)).toEqual([
      zonedInstant(TODAY, 9, 0, 'Europe/London').getTime(),
      zonedInstant('2026-05-01', 9, 0, 'Europe/London').getTime(),
      zonedInstant('2026-06-01', 9, 0, 'Europe/London').getTime(),
      zonedInstant('2026-07-01', 9, 0, 'Europe/London').getTime(),
      // The Sydney contract's due date is 09:00 in Sydney.
      zonedInstant('2026-07-20', 9, 0, 'Australia/Sydney').getTime(),
    ]);
    expectNoMarkup(view);
  });

  it('mentions the owner after 7 days overdue and the SRO after 14, and nobody before', () => {
    const at = (overdueDays: number, escalate: DigestItem['escalate']): DigestItem => ({
      ...items[2]!,
      overdueDays,
      escalate,
    });
    const mentions = (item: DigestItem) =>
      inlines(digestView([item], { date: TODAY, timeZone: 'Europe/London' })).flatMap((i) =>
        typeof i === 'object' && 'mention' in i ? [i.mention.id] : [],
      );
    expect(mentions(at(6, 'none'))).toEqual([]);
    expect(mentions(at(7, 'owner'))).toEqual([OWNER.id]);
    expect(mentions(at(14, 'sro'))).toEqual([OWNER.id, SRO.id]);
    const slack = renderMessage(digestView([at(14, 'sro')], { date: TODAY, timeZone: 'Europe/London' }));
    expect(JSON.stringify(slack)).toContain(`<@${OWNER.id}>`);
    expect(JSON.stringify(slack)).toContain(`<@${SRO.id}>`);
  });

  it('gives each item its own Record result, Snooze… and Open contract buttons, right under it', () => {
    const view = digestView(items, { date: TODAY, timeZone: 'Europe/London' });
    const rows = view.blocks.filter((b) => b.type === 'actions');
    expect(rows).toHaveLength(items.length);
    expect(rows[0]?.type === 'actions' && rows[0].actions).toEqual([
      {
        id: ContractActions.record,
        label: 'Record result',
        value: { c: 'C-7K2M9Q', k: 'kpi:K1:2026-05-01' },
        style: 'primary',
      },
      { id: ContractActions.snooze, label: 'Snooze…', value: { c: 'C-7K2M9Q', k: 'kpi:K1:2026-05-01' } },
      { id: ContractActions.open, label: 'Open contract', value: { c: 'C-7K2M9Q' } },
    ]);
    // Each row follows its item's line.
    view.blocks.forEach((block, i) => {
      if (block.type === 'actions') expect(view.blocks[i - 1]?.type).toBe('text');
    });
    for (const row of rows) {
      if (row.type !== 'actions') continue;
      for (const action of row.actions) expect(ContractPayloadSchema.parse(action.value)).toEqual(action.value);
    }
    const { slack, card } = rendersEverywhere(view);
    expect(slack.blocks.filter((b) => b.type === 'actions')).toHaveLength(items.length);
    expect(cardText(card).match(/Open contract/g)).toHaveLength(items.length);
  });

  it(`shows at most ${DIGEST_MAX_ITEMS} items and points to the kpi command for the rest, within Slack's 50 blocks`, () => {
    const many = makeContract({
      start: '2025-01-01',
      end: '2029-12-31',
      trackedFrom: '2025-01-01',
      kpis: Array.from({ length: 6 }, (_, i) =>
        kpi(`K${i + 1}`, `Measure number ${i + 1} with a long enough title`, { months: 1 }),
      ),
      cpnDuty: true,
    });
    const all = digestItems([many], TODAY);
    expect(all.length).toBeGreaterThan(60);
    const view = digestView(all, { date: TODAY, timeZone: 'Europe/London', more: 5, kpiCommand: '/aiprocure kpi' });
    expect(view.blocks.filter((b) => b.type === 'actions')).toHaveLength(DIGEST_MAX_ITEMS);
    const last = view.blocks.at(-1);
    expect(last?.type === 'context' && plainText(last.content)).toBe(
      `and ${all.length - DIGEST_MAX_ITEMS + 5} more: use the /aiprocure kpi command to see them all.`,
    );
    const { slack } = rendersEverywhere(view);
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
    // Nothing was cut by the renderer: every item and every button made it.
    expect(JSON.stringify(slack)).toContain('20. ');
    expect(slack.blocks.filter((b) => b.type === 'actions')).toHaveLength(DIGEST_MAX_ITEMS);
    expect(JSON.stringify(slack)).not.toContain('More in the exported report');
    // The kpi command's own answer does not send the reader back to the kpi command.
    const asked = dueListView(all).blocks.at(-1);
    expect(asked?.type === 'context' && plainText(asked.content)).toBe(
      `and ${all.length - DIGEST_MAX_ITEMS} more not shown here: they move up as these are recorded or snoozed.`,
    );
  });

  it('keeps contract titles as text: nobody is pinged, nothing is formatted', () => {
    const hostile = makeContract({ ...london, title: '<!channel> *urgent* <@U999> <at>All</at>', supplier: '@here' });
    const view = digestView(digestItems([hostile], TODAY), { date: TODAY, timeZone: 'Europe/London' });
    const { slack, card } = rendersEverywhere(view);
    expect(JSON.stringify(slack)).not.toContain('<@U999>');
    expect(cardText(card)).toContain('urgent');
  });

  it('for a person asking: the same list, or a plain answer when nothing is due', () => {
    const view = dueListView(items);
    expect(view.heading).toBe('AI contract reminders: 3 overdue, 1 due this week');
    expect(view.blocks.filter((b) => b.type === 'actions')).toHaveLength(4);
    rendersEverywhere(view);
    const empty = dueListView([]);
    expect(plainText(paragraphs(empty)[0] ?? [])).toBe(
      'Nothing is overdue or due in the next 7 days for your AI contracts.',
    );
    expect(empty.actions).toBeUndefined();
    rendersEverywhere(empty);
    const today = digestView(digestItems([london], '2026-05-01'), { date: '2026-05-01', timeZone: 'Europe/London' });
    expect(today.heading).toBe('AI contract reminders: 1 due today');
  });
});

describe('one contract', () => {
  const recorded: Contract = makeContract({
    results: [
      {
        id: 'R1',
        obligation: 'kpi:K1:2026-05-01',
        kpiId: 'K1',
        value: '99.7 %',
        rating: 'good',
        by: CLERK,
        at: '2026-05-02T10:00:00.000Z',
      },
      {
        id: 'R2',
        obligation: 'kpi:K1:2026-06-01',
        kpiId: 'K1',
        value: '98.1 %',
        rating: 'requires_improvement',
        note: 'Two outages',
        by: OWNER,
        at: '2026-06-03T10:00:00.000Z',
      },
    ],
    breaches: [{ id: 'B1', on: '2026-06-20', note: 'Damages agreed', by: SRO, at: '2026-06-21T10:00:00.000Z' }],
    triage: {
      dialogueId: 'd1',
      tier: 'high',
      score: 34,
      max: 58,
      packId: 'default',
      packVersion: '2026.11',
      packHash: 'abc',
    },
  });

  it('shows parties, value, dates, KPIs with targets and cadence, what is next and the latest results', () => {
    const view = contractView(recorded, TODAY);
    expect(view.heading).toBe(recorded.title);
    const text = paragraphs(view).map(plainText);
    expect(text).toContain('C-7K2M9Q · registered by Cleo Clerk · triage: High, score 34 of 58');
    const facts = view.blocks.find((b) => b.type === 'facts');
    expect(facts?.type === 'facts' && facts.items.map((f) => [f.label, plainText(f.value)])).toEqual([
      ['Supplier', 'Acme Analytics Ltd'],
      ['Value', '£6,200,000'],
      ['Period', '1 Apr 2026 to 31 Mar 2029'],
      ['Owner', 'Olu Owner'],
      ['SRO', 'Sam Senior'],
      ['Jurisdiction', 'United Kingdom'],
      ['Reminders', 'C0PROCURE · Europe/London'],
    ]);
    expect(text).toContain(
      'K1 Service availability: Service availability target · Monthly · one of the 3 most material',
    );
    expect(text).toContain(
      'K3 Task accuracy or quality: Task accuracy or quality target · Quarterly · one of the 3 most material',
    );
    expect(text.some((t) => t.startsWith('K1 Service availability review: overdue since 2026-07-01 (14 days)'))).toBe(
      true,
    );
    expect(text.some((t) => t.startsWith('Breach: publish a CPN within 30 days: due 2026-07-20'))).toBe(true);
    expect(text).toContain(
      'K1 Service availability review: 98.1 % · Requires improvement · Olu Owner · 2026-06-03 · Two outages',
    );
    expect(text).toContain('20 Jun 2026: Damages agreed · logged by Sam Senior');
    expect(text.some((t) => t.includes('Procurement Act 2023'))).toBe(true);
    expectNoMarkup(view);
  });

  it('offers Record result for what is open now (at most 5), joint reviews, supplier changes, Log breach, Export OCDS and History', () => {
    const view = contractView(recorded, TODAY);
    expect(view.actions?.map((a) => [a.id, a.label, a.value])).toEqual([
      [
        ContractActions.record,
        'Record: K1 Service availability review (1 Jul 2026)',
        { c: 'C-7K2M9Q', k: 'kpi:K1:2026-07-01' },
      ],
      [
        ContractActions.record,
        'Record: K3 Task accuracy or quality review (1 Jul 2026)',
        { c: 'C-7K2M9Q', k: 'kpi:K3:2026-07-01' },
      ],
      [
        ContractActions.record,
        'Record: K12 Incident notification review (1 Jul 2026)',
        { c: 'C-7K2M9Q', k: 'kpi:K12:2026-07-01' },
      ],
      [
        ContractActions.record,
        'Record: Breach: publish a CPN within 30 days (20 Jul 2026)',
        { c: 'C-7K2M9Q', k: 'breach-cpn:B1' },
      ],
      [ContractActions.reviews, 'Schedule joint reviews…', { c: 'C-7K2M9Q' }],
      [ContractActions.change, 'Log supplier change', { c: 'C-7K2M9Q' }],
      [ContractActions.breach, 'Log breach', { c: 'C-7K2M9Q' }],
      [ContractActions.exportOcds, 'Export OCDS', { c: 'C-7K2M9Q' }],
      [HistoryActions.show, 'History', { r: 'contract:C-7K2M9Q' }],
    ]);
    rendersEverywhere(view);
    const busy = makeContract({
      kpis: Array.from({ length: 8 }, (_, i) => kpi(`K${i + 1}`, `KPI ${i + 1}`, { months: 1 })),
    });
    expect(contractView(busy, TODAY).actions?.filter((a) => a.id === ContractActions.record)).toHaveLength(5);
  });

  it('says when the contract has ended and nothing is open', () => {
    const done = makeContract({ ...london, end: '2026-06-30' });
    const view = contractView({ ...done, results: [] }, '2026-09-01');
    const text = paragraphs(view).map(plainText);
    expect(text[0]).toContain('· ended');
    rendersEverywhere(view);
    const quiet = contractView(
      makeContract({ ...london, start: '2026-07-14', trackedFrom: '2026-07-14', end: '2026-07-31' }),
      TODAY,
    );
    expect(paragraphs(quiet).map(plainText)).toContain('Nothing open in the next 12 months.');
  });
});

describe('the list of contracts', () => {
  it('shows one line per contract, most urgent first, with Open buttons', () => {
    const now = new Date('2026-07-15T12:00:00Z');
    const view = contractsListView([sydney, london], now);
    expect(view.heading).toBe('AI contracts (2)');
    const list = view.blocks[0];
    expect(list?.type === 'list' && list.items.map(plainText)).toEqual([
      'C-7K2M9Q Housing benefit claim risk scoring · Acme Analytics Ltd · £6,200,000 · ends 31 Mar 2029 · next: K1 Service availability review, overdue since 2026-05-01 (75 days)',
      'C-SYDNEY Grant triage assistant · Acme Analytics Ltd · £6,200,000 · ends 31 Mar 2029 · next: K3 Task accuracy review, due 2026-07-19',
    ]);
    expect(view.actions?.map((a) => [a.label, a.value])).toEqual([
      ['Open C-7K2M9Q', { c: 'C-7K2M9Q' }],
      ['Open C-SYDNEY', { c: 'C-SYDNEY' }],
    ]);
    rendersEverywhere(view);
    expectNoMarkup(view);
  });

  it('says how to register one when there are none, and copes with many', () => {
    const empty = contractsListView([], new Date());
    expect(plainText(paragraphs(empty)[0] ?? [])).toContain('No AI contracts are registered yet');
    rendersEverywhere(empty);
    const many = Array.from({ length: 60 }, (_, i) =>
      makeContract({ ...london, id: `C-${String(i).padStart(6, '0')}`, title: `Contract ${i}` }),
    );
    const view = contractsListView(many, new Date('2026-07-15T12:00:00Z'));
    expect(view.actions).toHaveLength(10);
    expect(plainText(paragraphs(view).at(-1) ?? [])).toBe('and 10 more.');
    rendersEverywhere(view);
  });
});

describe('confirmations', () => {
  const obligation = findObligation(london, 'kpi:K1:2026-07-01');
  if (!obligation) throw new Error('no obligation');

  it('confirm a registration, a result, a snooze and a breach in plain words', () => {
    const registered = registeredView(makeContract(), '2026-04-01');
    expect(registered.heading).toBe('AI contract registered');
    expect(plainText(paragraphs(registered)[0] ?? [])).toBe(
      'C-7K2M9Q Housing benefit claim risk scoring with Acme Analytics Ltd, £6,200,000, 1 Apr 2026 to 31 Mar 2029. 3 KPIs; reminders go to C0PROCURE in the daily digest.',
    );
    expect(paragraphs(registered).map(plainText).join('\n')).toContain(
      'the 3 most material KPIs for the Contract Details Notice are K1, K3, K12',
    );
    const result = {
      id: 'R1',
      obligation: obligation.key,
      value: '99.9 %',
      rating: 'good' as const,
      by: OWNER,
      at: '2026-07-15T10:00:00.000Z',
    };
    expect(resultRecordedView(london, obligation, result).fallback).toBe(
      'Recorded Good (99.9 %) for K1 Service availability review on Housing benefit claim risk scoring by Olu Owner.',
    );
    const docs = findObligation(makeContract(), 'docs:2027-04-01');
    if (!docs) throw new Error('no docs obligation');
    const done = { id: 'R2', obligation: docs.key, value: 'AIA updated', by: OWNER, at: '2027-04-02T10:00:00.000Z' };
    expect(resultRecordedView(london, docs, done).fallback).toBe(
      'Recorded “AIA updated” for Documentation refresh (AIA, ATRS, FactSheet, DPIA) on Housing benefit claim risk scoring by Olu Owner.',
    );
    expect(snoozedView(london, obligation, '2026-07-22', OWNER).fallback).toBe(
      'Olu Owner snoozed K1 Service availability review on Housing benefit claim risk scoring until 2026-07-22.',
    );
    const breach = { id: 'B1', on: '2026-07-10', note: 'Outage', by: SRO, at: '2026-07-15T10:00:00.000Z' };
    const breachObligation = findObligation({ ...london, breaches: [breach] }, 'breach-cpn:B1');
    if (!breachObligation) throw new Error('no breach obligation');
    expect(breachLoggedView(london, breach, breachObligation).fallback).toBe(
      'Breach logged on Housing benefit claim risk scoring (10 Jul 2026) by Sam Senior. Breach: review within 30 days: due 2026-08-09.',
    );
    for (const view of [
      registered,
      resultRecordedView(london, obligation, result),
      snoozedView(london, obligation, '2026-07-22', OWNER),
    ]) {
      rendersEverywhere(view);
      expectNoMarkup(view);
    }
  });
});
