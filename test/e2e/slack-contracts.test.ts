/**
 * Contracts on Slack, end to end through the real Bolt app over signed HTTP requests, against the fake Slack, with
 * the embedded scheduler on a MutableClock: register a contract from a triage (modal, field errors), the daily
 * digest in the procurement channel, its buttons, escalation, the commands, the OCDS export and breaches.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/core/calendar.js';
import {
  DIGEST_HEADING,
  EARLY,
  type FieldValue,
  londonNine,
  modalInitial,
  modalState,
  SlackContracts,
  type SlackModal,
  START,
  slackButton,
  slackButtons,
  slackItems,
  slackText,
  TRIAGE_TITLE,
} from '../helpers/contracts-driver.js';
import { CHANNEL, PROCUREMENT, type SlackMessage } from '../helpers/slack-harness.js';
import { findBroadcastMentions } from '../support/blockkit.js';
import { loadReleaseValidator, OCDS_MISSING_MESSAGE } from '../unit/contracts/ocds-validator.js';

const OWNER = 'UOWNER1';
const SRO = 'USRO1';
/** The contract starts on the day of the triage (1 Apr 2026); its monthly KPIs K1, K6 and K7 are first due a month on. */
const FIRST_DUE = '2026-05-01';
const MONTHLY = ['K1 Service availability review', 'K6 Harmful-error rate review', 'K7 Human review coverage review'];

/** The start of a Slack date token for 09:00 London on `date`: each reader's client shows it in their own zone. */
const dateToken = (date: string) => `<!date^${londonNine(date).getTime() / 1000}^{date_short_pretty}|`;

const validator = loadReleaseValidator();
if (!validator.official) console.warn(OCDS_MISSING_MESSAGE);

let s: SlackContracts | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** A running service with the tenant's digest at 09:00 London, a finished triage and its contract registered. */
async function registered(overrides: Record<string, FieldValue> = {}) {
  const slack = await SlackContracts.start();
  s = slack;
  const zone = await slack.command('config timezone Europe/London');
  expect(zone.reply.text).toBe('The daily reminder digest will be posted at 09:00 in Europe/London.');
  const { root, summary } = await slack.triage();
  const { contract, confirmation } = await slack.register(summary, { owner: OWNER, sro: SRO, ...overrides });
  return { slack, root, summary, contract, confirmation };
}

/** Block Kit the fake accepted, and no broadcast mention in anything the bot sent. */
function expectClean(slack: SlackContracts) {
  expect(slack.fake.violations).toEqual([]);
  const sent = slack.fake.calls
    .filter((c) =>
      ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'respond', 'views.open'].includes(c.method),
    )
    .map((c) => c.args);
  expect(findBroadcastMentions(sent)).toEqual([]);
}

const itemLines = (digest: SlackMessage) => slackItems(digest).map((item) => item.text);
const itemFor = (digest: SlackMessage, title: string) => {
  const item = slackItems(digest).find((i) => i.text.includes(title));
  if (!item) throw new Error(`no digest item for ${title}`);
  return item;
};

/** Opens "Record result" on a digest item, and submits it with a rating. */
async function recordFromDigest(
  slack: SlackContracts,
  digest: SlackMessage,
  title: string,
  rating: string,
  value: string,
) {
  const [record] = itemFor(digest, title).buttons;
  const modal = await slack.openModal(digest, record!);
  const before = slack.fake.calls.length;
  const result = await slack.submit(
    modal,
    modalState(modal, { value, rating, note: 'From the monthly service report' }),
  );
  expect(result.body).toBe('');
  return { modal, confirmation: await slack.nextEphemeral(before) };
}

describe('Slack: registering a contract from a triage', () => {
  it('opens a prefilled modal, answers bad input beside the fields, and saves one contract', async () => {
    const slack = await SlackContracts.start();
    s = slack;
    const { root, summary } = await slack.triage();
    const register = slackButton(summary, 'contract_register');
    expect(register.label).toBe('Register contract');

    const modal = await slack.openModal(summary, register);
    expect(modal.callbackId).toBe('contract_submit');
    expect(JSON.parse(modal.privateMetadata)).toEqual({ p: register.payload, c: CHANNEL, t: root.ts });
    // Every input's block id is its action id, so errors land beside the right field.
    const inputs = modal.blocks.filter((b) => b.type === 'input');
    for (const block of inputs) expect(block.element).toMatchObject({ action_id: block.block_id });
    // Prefilled from the triage: title, value, the clicker as owner and SRO, their zone, and the KPI pack.
    const summaryKpis = [...slackText(summary).matchAll(/• (K\d+) /g)].map((m) => m[1]);
    expect(summaryKpis.length).toBeGreaterThanOrEqual(3);
    expect(slackText({ blocks: modal.blocks })).toContain('High, score 34 of 58');
    expect(modalInitial(modal, 'title')).toBe(TRIAGE_TITLE);
    expect(modalInitial(modal, 'supplier')).toBeNull();
    expect(modalInitial(modal, 'value')).toBe('6,200,000');
    expect(modalInitial(modal, 'currency')).toBe('GBP');
    expect(modalInitial(modal, 'start')).toBe('2026-04-01');
    expect(modalInitial(modal, 'end')).toBe('2029-03-31');
    expect(modalInitial(modal, 'owner')).toBe('UANA');
    expect(modalInitial(modal, 'sro')).toBe('UANA');
    expect(modalInitial(modal, 'jurisdiction')).toBe('UK');
    expect(modalInitial(modal, 'timeZone')).toBe('Europe/London');
    expect(modalInitial(modal, 'kpis')).toEqual(summaryKpis);
    expect(modalInitial(modal, 'material')).toEqual(summaryKpis.slice(0, 3));
    expect(modalInitial(modal, 'target_K1')).toBe('At least 99.5 % (99.9 % at Critical)');

    const refused = async (overrides: Record<string, FieldValue>) => {
      const result = await slack.submit(
        modal,
        modalState(modal, { supplier: 'Acme Analytics Ltd', early: EARLY, ...overrides }),
      );
      expect(result.status).toBe(200);
      // Bolt's ack body, JSON from the HTTP answer.
      const body = result.json as { response_action?: string; errors?: Record<string, string> };
      expect(body.response_action).toBe('errors');
      return body.errors ?? {};
    };
    const basics = await refused({ title: null, end: '2026-03-01', value: 'about six million' });
    expect(Object.keys(basics).sort()).toEqual(['end', 'title', 'value']);
    expect(basics.title).toBe('Give the contract a title.');
    expect(basics.end).toBe('The end must be after the start (1 Apr 2026).');
    expect(basics.value).toContain('That is not an amount');

    // A UK contract over £5m: at least 3 KPIs, and exactly 3 of them flagged as the most material.
    const fewKpis = await refused({ kpis: ['K1', 'K3'], material: ['K1', 'K3'] });
    expect(Object.keys(fewKpis)).toEqual(['kpis']);
    expect(fewKpis.kpis).toContain('Procurement Act 2023');
    expect(fewKpis.kpis).toContain('at least 3 KPIs');
    const twoMaterial = await refused({ material: ['K1', 'K3'] });
    expect(Object.keys(twoMaterial)).toEqual(['material']);
    expect(twoMaterial.material).toContain('Procurement Act 2023');
    expect(twoMaterial.material).toContain('choose exactly 3');
    // Under £5m the same KPIs are fine: the rule follows the value typed.
    const under = await slack.submit(
      modal,
      modalState(modal, { supplier: 'Acme', early: EARLY, value: '£4.9m', kpis: ['K1'], material: [], title: null }),
    );
    expect(under.json).toEqual({ response_action: 'errors', errors: { title: 'Give the contract a title.' } });

    expect(await slack.stored()).toEqual([]);
    expect(slack.harness.thread(root.ts).some((m) => m.text.startsWith('Contract C-'))).toBe(false);

    // The good one: supplier typed (with a would-be broadcast), a KPI dropped and a target edited.
    const kpis = summaryKpis.filter((id) => id !== 'K27');
    const good = modalState(modal, {
      early: EARLY,
      supplier: 'Acme <!channel> Analytics',
      owner: OWNER,
      sro: SRO,
      kpis,
      target_K1: '99.9 %',
    });
    const viewId = 'VREGISTER1';
    const accepted = await slack.submit(modal, good, 'UANA', viewId);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toBe('');
    await slack.fake.waitFor(() => slack.harness.thread(root.ts).some((m) => m.text.startsWith('Contract C-')));
    // Submitted twice (a double click, a client retry): still one contract.
    const again = await slack.submit(modal, good, 'UANA', viewId);
    expect(again.status).toBe(200);
    await slack.harness.settle(100);
    const stored = await slack.stored();
    expect(stored).toHaveLength(1);
    const contract = stored[0]!;
    expect(contract).toMatchObject({
      title: TRIAGE_TITLE,
      supplier: 'Acme <!channel> Analytics',
      value: { amount: 6_200_000, currency: 'GBP' },
      start: '2026-04-01',
      end: '2029-03-31',
      owner: { id: OWNER },
      sro: { id: SRO },
      jurisdiction: 'UK',
      timeZone: 'Europe/London',
      channel: PROCUREMENT,
      cpnDuty: true,
      triage: { tier: 'high', score: 34, max: 58 },
    });
    expect(contract.kpis.map((k) => k.id)).toEqual(kpis);
    expect(contract.kpis.filter((k) => k.material).map((k) => k.id)).toEqual(summaryKpis.slice(0, 3));
    expect(contract.kpis.find((k) => k.id === 'K1')).toMatchObject({ target: '99.9 %', cadence: { months: 1 } });

    // The confirmation is news for the thread, with the first reminders as date tokens.
    const confirmations = slack.harness.thread(root.ts).filter((m) => m.text.startsWith('Contract C-'));
    expect(confirmations).toHaveLength(1);
    const confirmation = confirmations[0]!;
    expect(confirmation.text).toBe(`Contract ${contract.id} registered: ${TRIAGE_TITLE}`);
    const text = slackText(confirmation);
    expect(text).toContain(`\`${contract.id}\` *${TRIAGE_TITLE}* with Acme &lt;!channel&gt; Analytics, £6,200,000`);
    expect(text).toContain(`${kpis.length} KPIs; reminders go to <#${PROCUREMENT}>`);
    expect(text).toContain('3 most material KPIs for the Contract Details Notice are K1, K3, K4');
    expect(text).toContain(`K1 Service availability review: due ${dateToken(FIRST_DUE)}`);
    expect(slackButton(confirmation, 'contract_open').label).toBe(`Open ${contract.id}`);
    expectClean(slack);
  });
});

describe('Slack: reminders', () => {
  it('posts one digest per day at 09:00 in the tenant zone, with date tokens and three buttons per item', async () => {
    const { slack, contract } = await registered();
    expect((await slack.command('config hour 9')).reply.text).toBe(
      'The daily reminder digest will be posted at 09:00 in Europe/London.',
    );

    const posted = await slack.tickAt(londonNine(FIRST_DUE));
    expect(posted).toHaveLength(1);
    const digestPosts = () =>
      slack.fake.callsOf('chat.postMessage').filter((c) => String(c.args.text).startsWith(DIGEST_HEADING));
    expect(digestPosts()).toHaveLength(1);
    const digest = posted[0]!;
    expect(digest.channel).toBe(PROCUREMENT);
    expect(digest.text).toBe(`${DIGEST_HEADING}: 3 due today`);
    expect(slackText(digest)).toContain(`Daily digest · ${dateToken(FIRST_DUE)}`);
    expect(itemLines(digest)).toEqual(MONTHLY.map((title, i) => `${i + 1}. *${TRIAGE_TITLE}* · ${title} · due today`));
    for (const [i, item] of slackItems(digest).entries()) {
      const key = `kpi:${MONTHLY[i]!.split(' ')[0]}:${FIRST_DUE}`;
      expect(item.buttons.map((b) => [b.actionId.split(':')[0], b.label, b.payload])).toEqual([
        ['reminder_record', 'Record result', { c: contract.id, k: key }],
        ['reminder_snooze', 'Snooze…', { c: contract.id, k: key }],
        ['contract_open', 'Open contract', { c: contract.id }],
      ]);
    }

    // Later the same day: nothing more.
    expect(await slack.tickAt(new Date(londonNine(FIRST_DUE).getTime() + 3 * 3_600_000))).toEqual([]);
    expect(await slack.tickAt(`${FIRST_DUE}T22:59:00Z`)).toEqual([]);
    // The next day's comes at 09:00 London (08:00 UTC in summer time), not a minute before.
    const next = addDays(FIRST_DUE, 1);
    expect(await slack.tickAt(new Date(londonNine(next).getTime() - 60_000))).toEqual([]);
    const [overdue] = await slack.tickAt(londonNine(next));
    expect(overdue?.text).toBe(`${DIGEST_HEADING}: 3 overdue`);
    expect(itemLines(overdue!)[0]).toBe(
      `1. *${TRIAGE_TITLE}* · ${MONTHLY[0]} · overdue since ${dateToken(FIRST_DUE)}2026-05-01 UTC> (1 day)`,
    );
    // A later digest hour moves the next day's digest.
    expect((await slack.command('config hour 10')).reply.text).toContain('posted at 10:00 in Europe/London');
    const third = addDays(FIRST_DUE, 2);
    expect(await slack.tickAt(londonNine(third))).toEqual([]);
    expect(await slack.tickAt(new Date(londonNine(third).getTime() + 3_600_000))).toHaveLength(1);
    expect(slack.digests()).toHaveLength(3);
    expect(digestPosts()).toHaveLength(3);
    expectClean(slack);
  });

  it('records a result, snoozes an item and opens the contract from the digest', async () => {
    const { slack, contract } = await registered();
    const [digest] = await slack.tickAt(londonNine(FIRST_DUE));

    // Record result: a modal with value, rating and note.
    const [record] = itemFor(digest!, MONTHLY[0]!).buttons;
    const modal: SlackModal = await slack.openModal(digest!, record!);
    expect(modal.callbackId).toBe('reminder_result');
    expect(modal.blocks.filter((b) => b.type === 'input').map((b) => b.block_id)).toEqual(['value', 'rating', 'note']);
    expect(slackText({ blocks: modal.blocks })).toContain(`${MONTHLY[0]} · due 1 May 2026`);
    const noRating = await slack.submit(modal, modalState(modal, { value: '99.7' }));
    expect(noRating.json).toEqual({ response_action: 'errors', errors: { rating: 'Choose a rating.' } });
    expect((await slack.stored())[0]?.results).toEqual([]);
    const before = slack.fake.calls.length;
    const filled = modalState(modal, { value: '99.7', rating: 'good', note: 'One outage' });
    // A double click on Submit sends the same view twice: one result, not two.
    const [saved, twice] = await Promise.all([
      slack.submit(modal, filled, 'UANA', 'V0DOUBLE1'),
      slack.submit(modal, filled, 'UANA', 'V0DOUBLE1'),
    ]);
    expect([saved.body, twice.body]).toEqual(['', '']);
    const recorded = await slack.nextEphemeral(before);
    expect(recorded.channel).toBe(PROCUREMENT);
    expect(slackText(recorded)).toBe(`Recorded *Good* (99.7) for ${MONTHLY[0]} on *${TRIAGE_TITLE}* by <@UANA>.`);
    expect((await slack.stored())[0]?.results).toMatchObject([
      { obligation: `kpi:K1:${FIRST_DUE}`, kpiId: 'K1', value: '99.7', rating: 'good', note: 'One outage' },
    ]);
    // Recording again, an hour later, corrects it; the first stays in the history.
    slack.clock.advance(3_600_000);
    const again = await slack.openModal(digest!, record!);
    expect(slackText({ blocks: again.blocks })).toContain(
      'already recorded: 99.7 (Good); this replaces it, and both stay in the history.',
    );
    // A correction says why, beside the field that asks.
    const unexplained = await slack.submit(
      again,
      modalState(again, { value: '99.4', rating: 'approaching', note: 'Corrected' }),
    );
    expect(unexplained.json).toEqual({
      response_action: 'errors',
      errors: { reason: 'Say why the earlier result is corrected.' },
    });
    const beforeFix = slack.fake.calls.length;
    await slack.submit(
      again,
      modalState(again, {
        value: '99.4',
        rating: 'approaching',
        note: 'Corrected',
        reason: 'The supplier’s figure left out a planned outage',
      }),
    );
    await slack.nextEphemeral(beforeFix);
    expect((await slack.stored())[0]?.results.map((r) => [r.value, r.rating])).toEqual([
      ['99.7', 'good'],
      ['99.4', 'approaching'],
    ]);

    // Snooze: a modal asks for how long and why.
    const [, snooze] = itemFor(digest!, MONTHLY[1]!).buttons;
    const snoozeModal = await slack.openModal(digest!, snooze!);
    expect(snoozeModal.callbackId).toBe('reminder_snooze_submit');
    expect(slackText({ blocks: snoozeModal.blocks })).toContain('snoozed 0 of 3 times so far');
    const why = await slack.submit(snoozeModal, modalState(snoozeModal, { days: '7' }));
    expect(why.json).toEqual({ response_action: 'errors', errors: { reason: 'Say why it is snoozed.' } });
    const beforeSnooze = slack.fake.calls.length;
    await slack.submit(snoozeModal, modalState(snoozeModal, { days: '7', reason: 'Report due on Friday' }));
    const snoozed = await slack.nextEphemeral(beforeSnooze);
    expect(slackText(snoozed)).toBe(
      `<@UANA> snoozed ${MONTHLY[1]} on *${TRIAGE_TITLE}* until ${dateToken(addDays(FIRST_DUE, 7))}2026-05-08 UTC>.`,
    );

    // Open contract: the details, only for the clicker.
    const [, , open] = itemFor(digest!, MONTHLY[2]!).buttons;
    const beforeOpen = slack.fake.calls.length;
    await slack.click(digest!, open!);
    const details = await slack.nextEphemeral(beforeOpen);
    expect(details.text).toBe(`AI contract ${contract.id}: ${TRIAGE_TITLE} (Acme Analytics Ltd)`);
    const detailText = slackText(details);
    expect(detailText).toContain(`*Owner*\n<@${OWNER}>`);
    expect(detailText).toContain(`*SRO*\n<@${SRO}>`);
    expect(detailText).toContain(`*Reminders*\n<#${PROCUREMENT}> · Europe/London`);
    expect(detailText).toContain(
      `• ${MONTHLY[0]}: 99.4 · *Approaching target* · <@UANA> · <!date^${londonNine(FIRST_DUE).getTime() / 1000 + 3600}^{date_short_pretty}|2026-05-01 UTC> · _Corrected_\n• ${MONTHLY[0]}: 99.7 · *Good* · <@UANA>`,
    );
    expect(slackButtons(details).map((b) => b.label)).toEqual([
      `Record: ${MONTHLY[2]} (1 May 2026)`,
      'Schedule joint reviews…',
      'Log supplier change',
      'Log breach',
      'Export OCDS',
      'History',
    ]);
    expect(slack.digests()).toHaveLength(1);

    // The recorded item is gone from the next digest, the snoozed one stays away until 7 days on, then returns.
    for (const day of [1, 6]) {
      const [later] = await slack.tickAt(londonNine(addDays(FIRST_DUE, day)));
      expect(itemLines(later!)).toEqual([expect.stringContaining(MONTHLY[2]!)]);
    }
    const [back] = await slack.tickAt(londonNine(addDays(FIRST_DUE, 7)));
    expect(itemLines(back!).map((line) => line.split(' · ')[1])).toEqual([MONTHLY[1], MONTHLY[2]]);
    expect(itemFor(back!, MONTHLY[1]!).text).toContain(`overdue since ${dateToken(FIRST_DUE)}`);
    expectClean(slack);
  });

  it('mentions the owner from 7 days overdue and the SRO from 14', async () => {
    const { slack, contract } = await registered();
    const line = async (days: number) => {
      const [digest] = await slack.tickAt(londonNine(addDays(FIRST_DUE, days)));
      return itemFor(digest!, MONTHLY[0]!).text;
    };
    expect(await line(0)).not.toContain('<@');
    const six = await line(6);
    expect(six).toContain('(6 days)');
    expect(six).not.toContain('<@');
    const seven = await line(7);
    expect(seven).toMatch(/\(7 days\) · owner <@UOWNER1>$/);
    expect(await line(14)).toMatch(/\(14 days\) · owner <@UOWNER1> · SRO <@USRO1>$/);
    const [digest] = slack.digests().slice(-1);
    expect(slackText(digest!)).toContain('Overdue items mention the owner after 7 days, the SRO after 14.');
    expectClean(slack);

    // Registered without a checklist, it still asks its owner for a lesson the day it is found ended, and once.
    const [ended] = await slack.tickAt(londonNine(addDays(contract.end, 1)));
    expect(slackText(ended!).split('\n')[2]).toBe(
      `*${contract.title}* · contract ${contract.id} with ${contract.supplier} ended · what did it teach us? <@UOWNER1>, a lesson lets the next team find it.`,
    );
    expect(slackButtons(ended!)[0]).toMatchObject({ label: 'Record a lesson', payload: { l: contract.id, s: 'exit' } });
    const [next] = await slack.tickAt(londonNine(addDays(contract.end, 2)));
    expect(slackText(next!)).not.toContain('what did it teach us?');
  });
});

describe('Slack: commands and the OCDS export', () => {
  it('lists contracts and what is due, and exports a release with the recorded result that validates', async () => {
    const { slack, contract } = await registered();
    const list = (await slack.command('contracts')).reply;
    expect(list.text).toBe('1 AI contract');
    expect(slackText(list)).toBe(
      `AI contracts (1)\n• \`${contract.id}\` *${TRIAGE_TITLE}* · Acme Analytics Ltd · £6,200,000 · ends 31 Mar 2029 · next: ${MONTHLY[0]}, due ${dateToken(FIRST_DUE)}2026-05-01 UTC>`,
    );
    expect(slackButton(list, 'contract_open').label).toBe(`Open ${contract.id}`);
    // Nothing within a week on the day of registration; three reviews four days before they fall due.
    expect(slackText((await slack.command('kpi')).reply)).toBe(
      `${DIGEST_HEADING}\nNothing is overdue or due in the next 7 days for your AI contracts.`,
    );
    slack.clock.set(londonNine(addDays(FIRST_DUE, -4)));
    const due = (await slack.command('kpi')).reply;
    expect(due.text).toBe(`${DIGEST_HEADING}: 3 due this week`);
    expect(slackItems(due).map((i) => i.text)).toEqual(
      MONTHLY.map((title, i) => `${i + 1}. *${TRIAGE_TITLE}* · ${title} · due ${dateToken(FIRST_DUE)}2026-05-01 UTC>`),
    );

    const [digest] = await slack.tickAt(londonNine(FIRST_DUE));
    await recordFromDigest(slack, digest!, MONTHLY[0]!, 'approaching', '99.2');
    const file = await slack.exportFile(contract.id.toLowerCase());
    expect(file.filename).toBe(`ocds-${contract.id}-${FIRST_DUE}.json`);
    expect(file.channel).toBe(CHANNEL);
    const pkg = JSON.parse(file.content ?? '') as { version: string; releases: unknown[] };
    expect(pkg.version).toBe('1.1');
    expect(pkg.releases).toHaveLength(1);
    const release = pkg.releases[0];
    expect(validator.validate(release)).toEqual([]);
    // JSON read back from the file; the fields used below were just validated against the schema.
    const ocds = release as {
      ocid: string;
      tag: string[];
      contracts: {
        id: string;
        agreedMetrics: { id: string }[];
        implementation: {
          metrics: { id: string; observations: Record<string, unknown>[] }[];
          milestones: Record<string, unknown>[];
        };
      }[];
    };
    expect(ocds.ocid).toBe(`ocds-test00-${contract.id}`);
    expect(ocds.tag).toEqual(['implementation']);
    const [exported] = ocds.contracts;
    expect(exported?.agreedMetrics.map((m) => m.id)).toEqual(contract.kpis.map((k) => k.id));
    expect(exported?.implementation.metrics).toEqual([
      {
        id: 'K1',
        title: 'Service availability',
        observations: [
          {
            id: 'R1',
            period: { startDate: '2026-04-01T00:00:00+01:00', endDate: '2026-04-30T23:59:59+01:00' },
            measure: 99.2,
            notes: 'From the monthly service report',
            measureClassification: { scheme: 'UK_CPN', id: 'slightlyBelow', description: 'Approaching target' },
            relatedImplementationMilestone: { id: `kpi:K1:${FIRST_DUE}`, title: MONTHLY[0] },
          },
        ],
      },
    ]);
    const milestone = (id: string) => exported?.implementation.milestones.find((m) => m.id === id);
    expect(milestone(`kpi:K1:${FIRST_DUE}`)).toMatchObject({
      status: 'met',
      dateMet: londonNine(FIRST_DUE).toISOString(),
    });
    expect(milestone(`kpi:K6:${FIRST_DUE}`)).toMatchObject({ status: 'scheduled' });

    // An id that is not there: a polite word, no file.
    const files = slack.fake.files.length;
    const unknown = (await slack.command('contracts export C-ZZZZZZ')).reply;
    expect(slackText(unknown)).toBe('There is no contract C-ZZZZZZ.');
    expect(slack.fake.files).toHaveLength(files);
    expectClean(slack);
  });
});

describe('Slack: breaches', () => {
  it('logs a breach from the contract view; its 30-day notice comes up in the digest', async () => {
    const { slack, contract } = await registered();
    slack.clock.set(londonNine('2026-04-10'));
    const list = (await slack.command('contracts')).reply;
    const beforeOpen = slack.fake.calls.length;
    await slack.click(list, slackButton(list, 'contract_open'));
    const view = await slack.nextEphemeral(beforeOpen);
    const modal = await slack.openModal(view, slackButton(view, 'contract_breach'));
    expect(modal.callbackId).toBe('contract_breach_submit');
    expect(slackText({ blocks: modal.blocks })).toContain('Procurement Act 2023 s.71(5)');
    expect(modalInitial(modal, 'on')).toBe('2026-04-10');

    const refused = await slack.submit(modal, modalState(modal, { on: '2026-04-12', note: null }));
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: { on: 'The date cannot be in the future.', note: 'Say what happened.' },
    });
    const before = slack.fake.calls.length;
    const note = 'Damages agreed for the outage of 8 April';
    expect((await slack.submit(modal, modalState(modal, { on: '2026-04-08', note }))).body).toBe('');
    const logged = await slack.nextEphemeral(before);
    expect(slackText(logged)).toBe(
      `Breach logged on *${TRIAGE_TITLE}* (8 Apr 2026) by <@UANA>. Breach: publish a CPN within 30 days: due ${dateToken('2026-05-08')}2026-05-08 UTC>.`,
    );
    expect((await slack.stored())[0]?.breaches).toMatchObject([{ id: 'B1', on: '2026-04-08', note }]);

    // Due 30 days after the breach; the digest shows it from a week before.
    const [early] = await slack.tickAt(londonNine('2026-04-30'));
    expect(itemLines(early!).some((line) => line.includes('Breach'))).toBe(false);
    const [digest] = await slack.tickAt(londonNine(FIRST_DUE));
    const breach = itemFor(digest!, 'Breach: publish a CPN within 30 days');
    expect(breach.text).toBe(
      `4. *${TRIAGE_TITLE}* · Breach: publish a CPN within 30 days · due ${dateToken('2026-05-08')}2026-05-08 UTC>`,
    );
    expect(breach.buttons[0]?.payload).toEqual({ c: contract.id, k: 'breach-cpn:B1' });
    expectClean(slack);
  });
});

describe('Slack: a simulated year', () => {
  it('reminds of every review, notice and refresh a week ahead, and exports the year', async () => {
    const slack = await SlackContracts.start();
    s = slack;
    const { summary } = await slack.triage();
    // The statutory minimum: three KPIs, all material. K1 monthly; K3 and K12 quarterly.
    const kpis = ['K1', 'K3', 'K12'];
    const { contract } = await slack.register(summary, { owner: OWNER, sro: SRO, kpis, material: kpis });

    // What an independent reading of the schedule expects, keyed by the day it first shows (a week ahead).
    const expected = new Map<string, string[]>();
    const expectOn = (due: string, title: string) => {
      const day = addDays(due, -7);
      expected.set(day, [...(expected.get(day) ?? []), title]);
    };
    for (let month = 1; month <= 12; month++) {
      const due = `${2026 + Math.floor((3 + month) / 12)}-${String(((3 + month) % 12) + 1).padStart(2, '0')}-01`;
      expectOn(due, 'K1 Service availability review');
      if (month % 3 === 0) {
        expectOn(due, 'K3 Task accuracy or quality review');
        expectOn(due, 'K12 Incident notification review');
      }
    }
    expectOn('2027-04-01', 'Contract Performance Notice due');
    expectOn('2027-04-01', 'Documentation refresh (AIA, ATRS, FactSheet, DPIA)');

    // Every day at 09:00 London for a year and a week: record whatever the digest brings, at once.
    const seen = new Map<string, string[]>();
    let day = START.slice(0, 10);
    while (day <= '2027-04-08') {
      const posted = await slack.tickAt(londonNine(day));
      expect(posted.length).toBeLessThanOrEqual(1);
      const digest = posted[0];
      if (digest) {
        seen.set(
          day,
          itemLines(digest).map((line) => line.split(' · ')[1] ?? ''),
        );
        for (const item of slackItems(digest)) {
          const modal = await slack.openModal(digest, item.buttons[0]!);
          const rated = modal.blocks.some((b) => b.block_id === 'rating');
          const before = slack.fake.calls.length;
          const values: Record<string, FieldValue> = rated ? { value: '100', rating: 'good' } : { value: 'Done' };
          expect((await slack.submit(modal, modalState(modal, values))).body).toBe('');
          await slack.nextEphemeral(before);
        }
      }
      day = addDays(day, 1);
    }
    expect([...seen.keys()]).toEqual([...expected.keys()]);
    for (const [date, titles] of expected) expect(seen.get(date), date).toEqual(titles);

    const file = await slack.exportFile(contract.id);
    const release = (JSON.parse(file.content ?? '') as { releases: unknown[] }).releases[0];
    expect(validator.validate(release)).toEqual([]);
    // JSON read back from the file, validated just above.
    const implementation = (
      release as {
        contracts: {
          implementation: { metrics: { id: string; observations: unknown[] }[]; milestones: { status: string }[] };
        }[];
      }
    ).contracts[0]?.implementation;
    expect(implementation?.metrics.map((m) => [m.id, m.observations.length])).toEqual([
      ['K1', 12],
      ['K3', 4],
      ['K12', 4],
      ['CPN', 1],
    ]);
    const statuses = implementation?.milestones.map((m) => m.status) ?? [];
    expect(statuses.filter((status) => status === 'met')).toHaveLength(22);
    expect(statuses).not.toContain('notMet');
    expectClean(slack);
  }, 60_000);
});
