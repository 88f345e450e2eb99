/**
 * Contracts on Teams, end to end through the real teams-ai app (local mode) with Bot Framework activities, against
 * the fake connector, with the embedded scheduler on a MutableClock: register from a triage with a card form, the
 * digest card posted proactively to the procurement channel, its actions, the commands and the OCDS export.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/core/calendar.js';
import {
  cardAction,
  cardInputs,
  cardItems,
  cardLines,
  DIGEST_HEADING,
  EARLY,
  invokeCard,
  invokeMessage,
  londonNine,
  PROCUREMENT_CHANNEL,
  TeamsContracts,
  TRIAGE_TITLE,
} from '../helpers/contracts-driver.js';
import {
  CONFORMANCE_MISSING_MESSAGE,
  cardsIn,
  findMentions,
  loadCardValidator,
  validateCard,
} from '../support/adaptive-cards.js';
import type { ConnectorMessage } from '../support/fake-connector.js';
import type { PostResult } from '../support/teams-activities.js';
import { ALICE } from '../support/teams-activities.js';
import { loadReleaseValidator, OCDS_MISSING_MESSAGE } from '../unit/contracts/ocds-validator.js';

/** Monthly KPIs of a contract starting on the day of the triage (1 Apr 2026) are first due a month on. */
const FIRST_DUE = '2026-05-01';
const MONTHLY = ['K1 Service availability review', 'K6 Harmful-error rate review', 'K7 Human review coverage review'];
/** Typed into the form: a would-be mention in the supplier and the SRO's name. */
const SUPPLIER = 'Acme <at>Everyone</at> Analytics';
const SRO = '<at>Sam</at> Senior';

const validator = loadReleaseValidator();
if (!validator.official) console.warn(OCDS_MISSING_MESSAGE);
if (!loadCardValidator()) console.warn(CONFORMANCE_MISSING_MESSAGE);

let t: TeamsContracts | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Every invoke answer of a test, for the card checks at the end. */
let invokes: PostResult[] = [];
afterEach(() => {
  invokes = [];
});
function kept(result: PostResult): PostResult {
  expect(result.status).toBe(200);
  invokes.push(result);
  return result;
}

/** The procurement channel configured from a post there, and a triage finished in another channel's thread. */
async function triaged() {
  const teams = await TeamsContracts.start();
  t = teams;
  // A new post in the channel tells its members; the answer in the thread tells the admin.
  const [welcome, configured] = await teams.say('config channel', { channelId: PROCUREMENT_CHANNEL });
  expect(cardLines(welcome?.cards[0])).toEqual([
    'This channel will now receive AI procurement triage summaries and the daily AI contract reminder digest (set by Alice Jones).',
  ]);
  expect(cardLines(configured?.cards[0])).toEqual([
    'Triage summaries and the daily reminder digest will now be posted to this channel.',
  ]);
  return { teams, ...(await teams.triage()) };
}

/** Clicks "Register contract" and returns the form card it posted. */
async function openForm(teams: TeamsContracts, summary: ConnectorMessage) {
  const { result, posted } = await teams.executeForNewCard(summary, cardAction(summary.cards[0], 'contract_register'));
  kept(result);
  return { result, form: posted };
}

/** A triage, and its contract registered with the form as it opened plus a supplier and an SRO typed in. */
async function registered() {
  const { teams, thread, summary } = await triaged();
  const { form } = await openForm(teams, summary);
  const inputs = { ...cardInputs(form.cards[0]), supplier: SUPPLIER, sro: SRO, early: EARLY };
  kept(await teams.execute(form, cardAction(form.cards[0], 'contract_submit'), inputs));
  const [contract] = await teams.stored();
  if (!contract) throw new Error('no contract saved');
  return { teams, thread, summary, contract };
}

/** The only mention the bot makes: an escalation to the owner it knows by Entra object id (Alice, picked). */
const OWNER_MENTIONS = [`<at>${ALICE.name}</at>`, `mention entity: <at>${ALICE.name}</at>`];

/**
 * Every card sent, updated or answered validates; no text anywhere in them could mention anyone, except the
 * escalations of the owner, whose entities name her Entra object id.
 */
function expectCardsClean(teams: TeamsContracts, fileMessages: string[] = []) {
  const cards = [...teams.harness.allCards(invokes)];
  expect(cards.length).toBeGreaterThan(0);
  for (const card of cards) expect(validateCard(card)).toEqual([]);
  expect(teams.connector.violations).toEqual([]);
  // Activities too (entities, text), except messages whose text is a file's content (JSON in a code block).
  const activities = teams.connector.calls.filter((c) => !fileMessages.includes(c.activityId ?? '')).map((c) => c.body);
  const unexpected = (found: string[]) => found.filter((m) => !OWNER_MENTIONS.includes(m));
  expect(unexpected(findMentions(activities))).toEqual([]);
  expect(unexpected(findMentions(cards))).toEqual([]);
  for (const card of cards) {
    const entities = (card as { msteams?: { entities?: { mentioned: { id: string } }[] } }).msteams?.entities ?? [];
    for (const entity of entities) expect(entity.mentioned.id).toBe(ALICE.aadObjectId);
  }
}

const itemTitles = (digest: ConnectorMessage) => cardItems(digest.cards[0]).map((i) => i.text.split(' · ')[1]);
const itemFor = (digest: ConnectorMessage, title: string) => {
  const item = cardItems(digest.cards[0]).find((i) => i.text.includes(title));
  if (!item) throw new Error(`no digest item for ${title}`);
  return item;
};

describe('Teams: registering a contract from a triage', () => {
  it('posts a form card, answers bad values on the form, and turns it into the confirmation for everyone', async () => {
    const { teams, thread, summary } = await triaged();
    const register = cardAction(summary.cards[0], 'contract_register');
    expect(register.title).toBe('Register contract');
    const { result, form } = await openForm(teams, summary);
    expect(invokeMessage(result)).toBe('The form is in the conversation below.');
    expect(form.conversationId).toBe(thread);
    expect(validateCard(form.cards[0])).toEqual([]);
    const inputs: Record<string, string> = { ...cardInputs(form.cards[0]), early: EARLY };
    expect(inputs).toMatchObject({
      title: TRIAGE_TITLE,
      supplier: '',
      value: '6,200,000',
      currency: 'GBP',
      start: '2026-04-01',
      end: '2029-03-31',
      // People pickers, with the registering person proposed (Teams submits Entra object ids).
      owner: ALICE.aadObjectId,
      sro: ALICE.aadObjectId,
      jurisdiction: 'UK',
      // The zone Teams reports for the clicker.
      timeZone: 'Europe/London',
      target_K1: 'At least 99.5 % (99.9 % at Critical)',
    });
    // The KPI pack of the triage's summary, the first three flagged as the most material.
    const kpis = inputs.kpis?.split(',') ?? [];
    const summaryKpis = cardLines(summary.cards[0]).flatMap((line) => /^• (K\d+) /.exec(line)?.[1] ?? []);
    expect(summaryKpis.length).toBeGreaterThanOrEqual(3);
    expect(kpis).toEqual(summaryKpis);
    expect(inputs.material).toBe(summaryKpis.slice(0, 3).join(','));
    const submit = cardAction(form.cards[0], 'contract_submit');

    /** Submits bad values: the answer is the form again, for the submitter, with a message under each wrong field. */
    const refused = async (changes: Record<string, string>) => {
      const answer = kept(await teams.execute(form, submit, { ...inputs, supplier: 'Acme', ...changes }));
      const card = invokeCard(answer);
      expect(validateCard(card)).toEqual([]);
      return { lines: cardLines(card), inputs: cardInputs(card) };
    };
    const basics = await refused({ title: '', end: '2026-03-01', value: 'about six million' });
    expect(basics.lines).toEqual(
      expect.arrayContaining([
        'Give the contract a title.',
        'The end must be after the start (1 Apr 2026).',
        'That is not an amount: write it like 6,200,000 or £6.2m.',
      ]),
    );
    // What was typed stays on the form.
    expect(basics.inputs).toMatchObject({ value: 'about six million', end: '2026-03-01', supplier: 'Acme' });
    const few = await refused({ kpis: 'K1,K3', material: 'K1,K3' });
    expect(few.lines).toContain(
      'The Procurement Act 2023 (s.52) requires at least 3 KPIs for a UK contract over £5m; 2 chosen.',
    );
    const two = await refused({ material: 'K1,K3' });
    expect(two.lines.find((line) => line.includes('most material KPIs to be named'))).toContain('Procurement Act 2023');
    expect(await teams.stored()).toEqual([]);
    expect(teams.connector.state().find((m) => m.activityId === form.activityId)?.updates).toBe(0);

    const accepted = kept(await teams.execute(form, submit, { ...inputs, supplier: SUPPLIER, sro: SRO }));
    const stored = await teams.stored();
    expect(stored).toHaveLength(1);
    const contract = stored[0]!;
    expect(contract).toMatchObject({
      platform: 'teams',
      supplier: SUPPLIER,
      channel: PROCUREMENT_CHANNEL,
      timeZone: 'Europe/London',
      owner: { name: 'Alice Jones' },
      sro: { name: SRO },
      cpnDuty: true,
    });
    expect(contract.kpis.map((k) => k.id)).toEqual(kpis);
    // The submitter sees the confirmation at once; everyone else through the form card's update.
    const confirmation = invokeCard(accepted);
    const lines = cardLines(confirmation);
    expect(lines[0]).toBe('AI contract registered');
    expect(lines[1]).toContain(`${contract.id} ${TRIAGE_TITLE} with Acme <\u200bat>Everyone<\u200b/at> Analytics`);
    expect(lines).toContain('• K1 Service availability review: due 1 May 2026');
    await teams.harness.settle(50);
    const updated = teams.connector.state().find((m) => m.activityId === form.activityId);
    expect(updated?.updates).toBe(1);
    expect(cardLines(updated?.cards[0])).toEqual(lines);

    // The same form submitted again (a second click before the card refreshed): still one contract.
    kept(await teams.execute(form, submit, { ...inputs, supplier: SUPPLIER, sro: SRO }));
    expect(await teams.stored()).toHaveLength(1);
    expectCardsClean(teams);
  });
});

describe('Teams: reminders', () => {
  it('posts the digest to the procurement channel with dates in its stored zone, once a day', async () => {
    const { teams, contract } = await registered();
    const creates = teams.connector.callsOf('create').length;
    const posted = await teams.tickAt(londonNine(FIRST_DUE));
    expect(posted).toHaveLength(1);
    const digest = posted[0]!;
    // A new post in the channel, not a reply in the triage thread.
    expect(teams.connector.callsOf('create')).toHaveLength(creates + 1);
    expect(digest.conversationId.startsWith(`${PROCUREMENT_CHANNEL};messageid=`)).toBe(true);
    const lines = cardLines(digest.cards[0]);
    expect(lines[0]).toBe(`${DIGEST_HEADING}: 3 due today`);
    // The channel's reference says Europe/London: 09:00 there reads as 1 May, not in UTC.
    expect(lines[1]).toMatch(/^Daily digest · 1 May 2026 · Record a result/);
    expect(lines.join('\n')).not.toContain('UTC');
    expect(cardItems(digest.cards[0]).map((i) => [i.text, i.actions.map((a) => [a.title, a.verb, a.data])])).toEqual(
      MONTHLY.map((title, i) => {
        const k = `kpi:${title.split(' ')[0]}:${FIRST_DUE}`;
        return [
          `${i + 1}. ${TRIAGE_TITLE} · ${title} · due today`,
          [
            ['Record result', 'reminder_record', { c: contract.id, k }],
            ['Snooze…', 'reminder_snooze', { c: contract.id, k }],
            ['Open contract', 'contract_open', { c: contract.id }],
          ],
        ];
      }),
    );
    expect(await teams.tickAt(new Date(londonNine(FIRST_DUE).getTime() + 8 * 3_600_000))).toEqual([]);

    // Nothing overdue yet: nobody is notified.
    expect(findMentions(digest.cards)).toEqual([]);
    // A week overdue: the owner, picked from the directory, is mentioned for real (notified by Teams).
    const [week] = await teams.tickAt(londonNine(addDays(FIRST_DUE, 7)));
    expect(itemFor(week!, MONTHLY[0]!).text).toBe(
      `1. ${TRIAGE_TITLE} · ${MONTHLY[0]} · overdue since 1 May 2026 (7 days) · owner Alice Jones`,
    );
    expect(findMentions(week!.cards)).toContain('mention entity: <at>Alice Jones</at>');
    expect((week!.cards[0] as { msteams: unknown }).msteams).toEqual({
      entities: [
        { type: 'mention', text: '<at>Alice Jones</at>', mentioned: { id: ALICE.aadObjectId, name: 'Alice Jones' } },
      ],
    });
    // From 14 days the SRO too; this SRO's name was typed (hostile markup included), so it is only ever text.
    const [fortnight] = await teams.tickAt(londonNine(addDays(FIRST_DUE, 14)));
    expect(itemFor(fortnight!, MONTHLY[0]!).text).toBe(
      `1. ${TRIAGE_TITLE} · ${MONTHLY[0]} · overdue since 1 May 2026 (14 days) · owner Alice Jones · SRO <\u200bat>Sam<\u200b/at> Senior`,
    );
    expect(teams.digests()).toHaveLength(3);
    expectCardsClean(teams);
  });

  it('with no procurement channel set, posts the digest as a new post in the channel the triage ran in', async () => {
    const teams = await TeamsContracts.start();
    t = teams;
    const { thread, summary } = await teams.triage();
    const { form } = await openForm(teams, summary);
    const inputs = { ...cardInputs(form.cards[0]), supplier: 'Acme Analytics', sro: 'Sam Senior', early: EARLY };
    kept(await teams.execute(form, cardAction(form.cards[0], 'contract_submit'), inputs));
    const [contract] = await teams.stored();
    const triageChannel = thread.split(';messageid=')[0]!;
    expect(contract?.channel).toBe(triageChannel);
    const [digest] = await teams.tickAt(londonNine(FIRST_DUE), triageChannel);
    expect(digest?.conversationId.startsWith(`${triageChannel};messageid=`)).toBe(true);
    expect(digest?.conversationId).not.toBe(thread);
    expect(cardLines(digest?.cards[0])[0]).toBe(`${DIGEST_HEADING}: 3 due today`);
    expect(teams.connector.calls.filter((c) => c.status >= 400)).toEqual([]);
  });

  it('records a result with a form card, snoozes, and opens the contract from the digest', async () => {
    const { teams, contract } = await registered();
    const [digest] = await teams.tickAt(londonNine(FIRST_DUE));

    // Record result: a form card in the digest's thread.
    const record = itemFor(digest!, MONTHLY[0]!).actions[0]!;
    const { result, posted: form } = await teams.executeForNewCard(digest!, record);
    expect(invokeMessage(kept(result))).toBe('The form is in the conversation below.');
    expect(form.conversationId).toBe(digest!.conversationId);
    expect(Object.keys(cardInputs(form.cards[0]))).toEqual(['value', 'rating', 'note']);
    const submit = cardAction(form.cards[0], 'reminder_result');
    expect(submit.data).toMatchObject({ c: contract.id, k: `kpi:K1:${FIRST_DUE}` });
    const noRating = kept(await teams.execute(form, submit, { value: '99.7', rating: '', note: '' }));
    expect(cardLines(invokeCard(noRating))).toContain('Choose a rating.');
    expect((await teams.stored())[0]?.results).toEqual([]);
    const saved = kept(await teams.execute(form, submit, { value: '99.7', rating: 'good', note: 'One outage' }));
    expect(cardLines(invokeCard(saved))).toEqual([
      `Recorded Good (99.7) for ${MONTHLY[0]} on ${TRIAGE_TITLE} by Alice Jones.`,
    ]);
    expect((await teams.stored())[0]?.results).toMatchObject([
      { obligation: `kpi:K1:${FIRST_DUE}`, value: '99.7', rating: 'good', note: 'One outage' },
    ]);
    await teams.harness.settle(50);
    expect(teams.connector.state().find((m) => m.activityId === form.activityId)?.updates).toBe(1);

    // Snooze: a form card asks how long and why; the confirmation's date is read in the clicker's zone.
    const snooze = itemFor(digest!, MONTHLY[1]!).actions[1]!;
    const { posted: snoozeForm } = await teams.executeForNewCard(digest!, snooze);
    expect(Object.keys(cardInputs(snoozeForm.cards[0]))).toEqual(['days', 'reason']);
    const snoozeSubmit = cardAction(snoozeForm.cards[0], 'reminder_snooze_submit');
    const unexplained = kept(await teams.execute(snoozeForm, snoozeSubmit, { days: '7', reason: '' }));
    expect(cardLines(invokeCard(unexplained))).toContain('Say why it is snoozed.');
    const snoozed = kept(await teams.execute(snoozeForm, snoozeSubmit, { days: '7', reason: 'Report due on Friday' }));
    expect(cardLines(invokeCard(snoozed))).toEqual([
      `Alice Jones snoozed ${MONTHLY[1]} on ${TRIAGE_TITLE} until 8 May 2026.`,
    ]);

    // Open contract: the details posted as a card below.
    const open = itemFor(digest!, MONTHLY[2]!).actions[2]!;
    const { result: opened, posted: details } = await teams.executeForNewCard(digest!, open);
    expect(invokeMessage(kept(opened))).toBe('Posted below.');
    const detailLines = cardLines(details.cards[0]);
    expect(detailLines[0]).toBe(TRIAGE_TITLE);
    expect(detailLines).toContain(`Supplier: ${SUPPLIER.replace(/<(\/?)at>/g, '<\u200b$1at>')}`);
    expect(detailLines).toContain('Reminders: this channel · Europe/London');
    expect(detailLines).toContain(`• ${MONTHLY[0]}: 99.7 · Good · Alice Jones · 1 May 2026 · One outage`);

    // The next day: the recorded and the snoozed items are gone.
    const [next] = await teams.tickAt(londonNine(addDays(FIRST_DUE, 1)));
    expect(itemTitles(next!)).toEqual([MONTHLY[2]]);
    expect(itemFor(next!, MONTHLY[2]!).text).toContain('overdue since 1 May 2026 (1 day)');
    const [back] = await teams.tickAt(londonNine(addDays(FIRST_DUE, 7)));
    expect(itemTitles(back!)).toEqual([MONTHLY[1], MONTHLY[2]]);
    expectCardsClean(teams);
  });
});

describe('Teams: commands and the OCDS export', () => {
  it('answers contracts and kpi with cards, and exports a JSON release that validates', async () => {
    const { teams, contract } = await registered();
    const [digest] = await teams.tickAt(londonNine(FIRST_DUE));
    const record = itemFor(digest!, MONTHLY[0]!).actions[0]!;
    const { result, posted: form } = await teams.executeForNewCard(digest!, record);
    kept(result);
    kept(
      await teams.execute(form, cardAction(form.cards[0], 'reminder_result'), {
        value: '98.4',
        rating: 'requires_improvement',
        note: 'Two outages',
      }),
    );

    const [list] = await teams.say('contracts');
    const listLines = cardLines(list?.cards[0]);
    expect(listLines[0]).toBe('AI contracts (1)');
    expect(listLines[1]).toBe(
      `• ${contract.id} ${TRIAGE_TITLE} · ${SUPPLIER.replace(/<(\/?)at>/g, '<\u200b$1at>')} · £6,200,000 · ends 31 Mar 2029 · next: ${MONTHLY[1]}, due today`,
    );
    expect(cardAction(list?.cards[0], 'contract_open').title).toBe(`Open ${contract.id}`);
    const [due] = await teams.say('kpi');
    expect(cardLines(due?.cards[0])[0]).toBe(`${DIGEST_HEADING}: 2 due today`);
    expect(cardItems(due?.cards[0]).map((i) => i.text.split(' · ')[1])).toEqual([MONTHLY[1], MONTHLY[2]]);

    const [exported] = await teams.say(`contracts export ${contract.id}`);
    const text = String(exported?.activity.text ?? '');
    expect(text.startsWith(`**OCDS release: ${TRIAGE_TITLE}** (ocds-${contract.id}-${FIRST_DUE}.json)`)).toBe(true);
    const json = /```json\n([\s\S]*)\n```$/.exec(text)?.[1];
    expect(json, 'a complete JSON code block').toBeDefined();
    const pkg = JSON.parse(json ?? '') as { version: string; releases: unknown[] };
    expect(pkg.version).toBe('1.1');
    const release = pkg.releases[0];
    expect(validator.validate(release)).toEqual([]);
    // JSON read back from the message, validated just above.
    const implementation = (
      release as {
        contracts: {
          implementation: {
            metrics: { id: string; observations: Record<string, unknown>[] }[];
            milestones: Record<string, unknown>[];
          };
        }[];
      }
    ).contracts[0]?.implementation;
    expect(implementation?.metrics.map((m) => m.id)).toEqual(['K1']);
    expect(implementation?.metrics[0]?.observations[0]).toMatchObject({
      measure: 98.4,
      notes: 'Two outages',
      measureClassification: { scheme: 'UK_CPN', id: 'below', description: 'Requires improvement' },
      relatedImplementationMilestone: { id: `kpi:K1:${FIRST_DUE}` },
    });
    expect(implementation?.milestones.find((m) => m.id === `kpi:K1:${FIRST_DUE}`)).toMatchObject({ status: 'met' });
    // The message carries the file as text: no mention entities, no card.
    expect(exported?.activity.entities).toBeUndefined();
    expect(cardsIn(exported?.activity)).toEqual([]);

    const [unknown] = await teams.say('contracts export C-ZZZZZZ');
    expect(cardLines(unknown?.cards[0])).toEqual(['There is no contract C-ZZZZZZ.']);
    expectCardsClean(teams, [String(exported?.activityId)]);
  });
});
