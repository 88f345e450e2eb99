/**
 * From triage to award on Teams, end to end through the real teams-ai app (local mode) against the fake connector:
 * the checklist card in the triage's thread, refreshed on every change; items settled by the right roles; a guest
 * (the supplier) who may attach evidence to its own items only; a consequence scan typed on its card, sorted into
 * Act, Influence and Monitor; "Ready for award" and the contract; the digest; and the personal-chat home.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Procurement } from '../../src/core/procurement/procurement.js';
import {
  cardAction,
  cardInputs,
  cardItems,
  cardLines,
  invokeMessage,
  PROCUREMENT_CHANNEL,
  TEAMS_TENANT,
  TeamsContracts,
} from '../helpers/contracts-driver.js';
import { errorsOf, personal, viaForm } from '../helpers/teams-forms.js';
import { cardActions } from '../helpers/teams-harness.js';
import { cardText, loadCardValidator, validateCard } from '../support/adaptive-cards.js';
import type { ConnectorMessage } from '../support/fake-connector.js';
import { ALICE, BOB, type TeamsUser, teamsUser } from '../support/teams-activities.js';
import { waitUntil } from '../support/wait.js';

const CARA = teamsUser('cara', 'Cara Price'); // procurement
const DEV = teamsUser('dev', 'Dev Patel'); // a member
// BOB is the supplier: a guest in the shared channel.

if (!loadCardValidator()) console.warn('Adaptive Card schema absent: cards are checked for shape only');

let t: TeamsContracts | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function stored(teams: TeamsContracts): Promise<Procurement> {
  const [p] = await teams.harness.service.procurementRepository.listByTenant(TEAMS_TENANT);
  if (!p) throw new Error('no procurement saved');
  return p;
}

const summaryOf = (m: ConnectorMessage) => String(m.activity.summary ?? '');
const inThread = (teams: TeamsContracts, thread: string, prefix: string) =>
  teams.connector.thread(thread).filter((m) => summaryOf(m).startsWith(prefix));
const checklist = (teams: TeamsContracts, thread: string) => {
  const found = inThread(teams, thread, 'Checklist for')[0];
  if (!found) throw new Error('no checklist card');
  return found;
};

async function started() {
  const teams = await TeamsContracts.start();
  t = teams;
  teams.connector.options.members = [
    { ...ALICE, userRole: 'user' },
    { ...BOB, userRole: 'guest' },
    { ...CARA, userRole: 'user' },
    { ...DEV, userRole: 'user' },
  ];
  await teams.say('config channel', { channelId: PROCUREMENT_CHANNEL });
  await teams.harness.service.access.grant(
    TEAMS_TENANT,
    { ...ALICE, id: ALICE.aadObjectId, facts: async () => ({ admin: false, guest: false }) },
    { id: CARA.aadObjectId, name: CARA.name },
    'procurement',
  );
  const { thread, summary } = await teams.triage();
  const start = cardAction(summary.cards[0], 'proc_start');
  expect(start.title).toBe('Start checklist');
  const { result } = await viaForm(teams, summary, 'proc_start', { award: '2026-06-01' }, CARA);
  expect(errorsOf(result)).toEqual([]);
  await waitUntil(() => inThread(teams, thread, 'Checklist for').length === 1, 5000, 'the checklist card');
  return { teams, thread, summary };
}

describe('Teams: from triage to award', () => {
  it('takes a triage to a registered contract with every gate accounted for, each by the right role', async () => {
    const { teams, thread, summary } = await started();
    const p = await stored(teams);
    expect(cardText(checklist(teams, thread).cards[0])).toContain(`${p.id} · 0 of ${p.items.length} done`);
    const gates = p.items.filter((i) => i.kind === 'gate');
    const update = (values: Record<string, string>, user: TeamsUser) =>
      viaForm(teams, checklist(teams, thread), 'proc_update', values, user);

    // A member who owns nothing cannot settle an item; procurement cannot waive; the admin can.
    expect(errorsOf((await update({ item: gates[0]!.id, change: 'done' }, DEV)).result)).toEqual([
      'Marking an item done needs the item’s owner or the procurement role.',
    ]);
    expect(errorsOf((await update({ item: gates[0]!.id, change: 'waive', reason: 'x' }, CARA)).result)).toEqual([
      'Waiving an item needs the admin role.',
    ]);
    expect(
      errorsOf(
        (await update({ item: gates[0]!.id, change: 'waive', reason: 'On the register already' }, ALICE)).result,
      ),
    ).toEqual([]);
    expect(
      errorsOf((await update({ item: gates[1]!.id, change: 'na', reason: 'No personal data' }, CARA)).result),
    ).toEqual([]);
    for (const item of p.items.slice(2)) {
      expect(errorsOf((await update({ item: item.id, change: 'done' }, CARA)).result)).toEqual([]);
    }
    // The card in the thread was refreshed in place, and the procurement channel's summary shows the progress.
    await waitUntil(
      () =>
        cardText(checklist(teams, thread).cards[0]).includes(
          `${p.items.length - 2} of ${p.items.length} done, 1 waived, 1 not applicable`,
        ),
      5000,
      'the refreshed checklist',
    );
    expect(checklist(teams, thread).updates).toBeGreaterThan(p.items.length - 2);
    const channelSummary = teams.connector
      .state()
      .find(
        (m) =>
          m.conversationId.startsWith(`${PROCUREMENT_CHANNEL};messageid=`) &&
          summaryOf(m).startsWith('AI procurement triage'),
      );
    await waitUntil(() => cardText(channelSummary!.cards[0]).includes('Checklist'), 5000, 'progress in the channel');

    // Ready for award: procurement, not a member.
    const full = checklist(teams, thread);
    const ready = cardAction(full.cards[0], 'proc_ready');
    expect(invokeMessage(await teams.execute(full, ready, undefined, DEV))).toContain(
      'Setting a procurement ready for award',
    );
    await teams.execute(full, ready, undefined, CARA);
    await waitUntil(() => inThread(teams, thread, `${p.title} is ready for award`).length === 1, 5000, 'ready');

    // The contract form has no early-award question now; registering awards the procurement.
    const { form, result } = await viaForm(
      teams,
      summary,
      'contract_register',
      { supplier: 'Acme Analytics Ltd' },
      CARA,
    );
    expect(Object.keys(cardInputs(form.cards[0]))).not.toContain('early');
    expect(errorsOf(result)).toEqual([]);
    await waitUntil(async () => (await stored(teams)).stage === 'awarded', 5000, 'awarded');
    // The US inventory row, drafted in chat: posted in the conversation (a download link when long).
    const before = teams.connector.calls.length;
    const said = await teams.harness.say(`publish us-inventory ${p.id}`, { user: CARA });
    expect(said.status).toBe(200);
    await teams.connector.waitFor(
      (calls) => calls.slice(before).some((c) => JSON.stringify(c.body).includes(`us-inventory-${p.id}-draft.md`)),
      5000,
      'the draft',
    );
    // The day the contract is found ended, the digest asks the lead for a lesson, set to the exit stage.
    const [ended] = await teams.tickAt('2029-04-02T08:05:00Z');
    expect((await stored(teams)).stage).toBe('ended');
    expect(cardLines(ended!.cards[0]).join('\n')).toContain('ended · what did it teach us?');
    const { posted: lesson } = await teams.executeForNewCard(ended!, cardAction(ended!.cards[0], 'lesson_open'));
    const contractId = (await stored(teams)).contractId;
    expect(cardInputs(lesson.cards[0])).toMatchObject({
      stage: 'exit',
      link: contractId,
      supplier: 'Acme Analytics Ltd',
    });
    for (const m of teams.connector.state()) for (const card of m.cards) expect(validateCard(card)).toEqual([]);
  });

  it('lets the supplier guest attach evidence to its own items only, and runs a consequence scan typed on its card', async () => {
    const { teams, thread, summary } = await started();
    const p = await stored(teams);
    const gate = p.items.find((i) => i.kind === 'gate')!;
    // The guest's "Update an item…" is the evidence form: only the supplier's items are offered.
    const { form, result } = await viaForm(
      teams,
      checklist(teams, thread),
      'proc_update',
      { item: 'E1', proof: 'https://supplier.example.com/factsheet.pdf' },
      BOB,
    );
    expect(JSON.stringify(form.cards[0])).not.toContain(`"value":"${gate.id}"`);
    expect(errorsOf(result)).toEqual([]);
    const e1 = (await stored(teams)).items.find((i) => i.id === 'E1')!;
    expect(e1).toMatchObject({ status: 'received', proof: { url: 'https://supplier.example.com/factsheet.pdf' } });
    const crafted = await viaForm(
      teams,
      checklist(teams, thread),
      'proc_evidence',
      { item: gate.id, proof: 'https://x.example/y' },
      BOB,
    );
    expect(errorsOf(crafted.result)).toEqual([`${gate.id} is the buying team’s, not addressed to the supplier.`]);

    // A scan: consequences typed on its card by anyone, sorted with one click each, closed by the buyer.
    await teams.execute(
      checklist(teams, thread),
      cardAction(checklist(teams, thread).cards[0], 'proc_scan'),
      undefined,
      CARA,
    );
    await waitUntil(() => inThread(teams, thread, 'Consequence scan 1:').length === 1, 5000, 'the scan card');
    const scan = inThread(teams, thread, 'Consequence scan 1:')[0]!;
    const add = cardAction(scan.cards[0], 'proc_scan_add');
    const typed = [
      ['Residents wrongly flagged lose benefits', ['act', 'negative', 'unintended'], DEV],
      ['Supplier retrains on our data; ask for C5', ['influence', 'negative', 'unintended'], BOB],
      ['Caseworkers save time', ['monitor', 'positive', 'intended'], CARA],
    ] as const;
    for (const [text, , who] of typed) await teams.execute(scan, add, { proc_consequence: text }, who);
    await waitUntil(() => inThread(teams, thread, 'Consequence S1-').length === 3, 5000, 'three consequences');
    for (const [i, [, clicks]] of typed.entries()) {
      for (const set of clicks) {
        const card = inThread(teams, thread, `Consequence S1-${i + 1}:`)[0]!;
        const button = cardActions(card.cards[0]).find((a) => a.data.set === set)!;
        expect((await teams.execute(card, button, undefined, CARA)).status).toBe(200);
      }
    }
    await waitUntil(
      () =>
        cardText(inThread(teams, thread, 'Consequence S1-3:')[0]!.cards[0]).includes('Monitor · positive, intended'),
      5000,
      'sorted',
    );
    expect(
      invokeMessage(await teams.execute(scan, cardAction(scan.cards[0], 'proc_scan_close'), undefined, BOB)),
    ).toContain('is for the buying team');
    expect(
      invokeMessage(await teams.execute(scan, cardAction(scan.cards[0], 'proc_scan_close'), undefined, DEV)),
    ).toContain('is for the procurement team or an admin');
    await teams.execute(scan, cardAction(scan.cards[0], 'proc_scan_close'), undefined, CARA);
    await waitUntil(() => inThread(teams, thread, 'Consequence scan 1 closed').length === 1, 5000, 'the log');
    const after = await stored(teams);
    expect(after.items.at(-1)).toMatchObject({ id: 'A1', kind: 'action', text: typed[0][0] });
    expect(after.clauseAsks).toEqual([{ ref: 'C5', text: typed[1][0], from: 'S1-2' }]);
    expect(after.kpiProposals).toEqual([{ id: 'K101', title: typed[2][0], from: 'S1-3' }]);
    // The contract form proposes the Monitor item as a KPI; and asks an admin why it is registered early.
    const { posted } = await teams.executeForNewCard(summary, cardAction(summary.cards[0], 'contract_register'));
    const inputs = cardInputs(posted.cards[0]);
    expect(inputs.kpis?.split(',')).toContain('K101');
    expect(inputs).toHaveProperty('early');
  });

  it('puts checklist items in the digest and shows my items in the personal chat', async () => {
    const { teams } = await started();
    const p = await stored(teams);
    // Evidence is due 18 May; a week before, it joins the procurement channel's digest.
    const [digest] = await teams.tickAt('2026-05-11T08:05:00Z');
    expect(digest).toBeDefined();
    const lines = cardItems(digest!.cards[0]).map((i) => i.text);
    expect(lines.some((l) => l.includes('checklist E1 Supplier FactSheet or model card · due'))).toBe(true);
    const item = cardItems(digest!.cards[0]).find((i) => i.text.includes('checklist E1'))!;
    expect(item.actions.map((a) => a.title)).toEqual(['Update…', 'Open checklist']);
    // The home: Cara owns every item.
    const home = await personal(teams, 'home', CARA);
    const text = cardLines(home.cards[0]).join('\n');
    expect(text).toContain('My items');
    expect(text).toContain('My procurements');
    expect(text).toContain(p.id);
    const empty = await personal(teams, 'home', DEV);
    expect(cardLines(empty.cards[0]).join('\n')).toContain('Nothing of yours is due within 30 days.');
  });
});
