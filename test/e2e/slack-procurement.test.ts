/**
 * From triage to award on Slack, end to end through the real Bolt app against the fake Slack: the checklist started
 * from a triage summary, items settled by the right roles (done, waived, not applicable), a supplier guest who may
 * attach evidence to its own items and nothing else, the request pack, a consequence scan whose three sorts reach
 * the checklist, the clause asks and the contract form, "Ready for award", the contract registered, the digest
 * with checklist items, and the App Home.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyHistory } from '../../src/core/history/verify.js';
import type { Procurement } from '../../src/core/procurement/procurement.js';
import { KeyvHistoryRepository } from '../../src/store/history-repository.js';
import { StoreLocker } from '../../src/store/locks.js';
import {
  modalInitial,
  modalState,
  SLACK_TENANT,
  SlackContracts,
  type SlackModal,
  slackButton,
  slackButtons,
  slackText,
} from '../helpers/contracts-driver.js';
import { PROCUREMENT, SECRET, type SlackMessage, TEAM } from '../helpers/slack-harness.js';
import { findBroadcastMentions } from '../support/blockkit.js';
import { eventCallback, postToSlackApp } from '../support/slack-requests.js';
import { waitUntil } from '../support/wait.js';

const BEN = 'UBEN'; // procurement
const CAROL = 'UCAROL'; // a member
const SUPPLIER = 'USUPPLIER'; // a guest in the shared channel

let s: SlackContracts | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function stored(slack: SlackContracts): Promise<Procurement> {
  const [p] = await slack.harness.service!.procurementRepository.listByTenant(SLACK_TENANT);
  if (!p) throw new Error('no procurement saved');
  return p;
}

const checklistOf = (slack: SlackContracts, root: SlackMessage) => {
  const found = slack.harness.thread(root.ts).find((m) => m.text.startsWith('Checklist for'));
  if (!found) throw new Error('no checklist in the thread');
  return found;
};

/** Submits a modal and returns Bolt's answer: '' when accepted, else the field errors. */
async function submitted(
  slack: SlackContracts,
  modal: SlackModal,
  values: Record<string, string | null>,
  user = 'UANA',
) {
  const result = await slack.submit(modal, modalState(modal, values), user);
  expect(result.status).toBe(200);
  if (result.body === '') return {};
  return ((result.json as { errors?: Record<string, string> }).errors ?? {}) as Record<string, string>;
}

/** Opens "Update an item…" on the checklist as `user` and submits `values`; the errors, if any. */
async function updateItem(
  slack: SlackContracts,
  root: SlackMessage,
  values: Record<string, string | null>,
  user = 'UANA',
) {
  const checklist = checklistOf(slack, root);
  const modal = await slack.openModal(checklist, slackButton(checklist, 'proc_update'), user);
  expect(modal.callbackId).toBe('proc_update_submit');
  const before = slack.fake.calls.length;
  const errors = await submitted(slack, modal, values, user);
  if (Object.keys(errors).length === 0) {
    // Accepted: the checklist is redrawn in place (chat.update on its own ts).
    await slack.fake.waitFor(
      (calls) => calls.slice(before).some((c) => c.method === 'chat.update' && c.args.ts === checklist.ts),
      5000,
      'the checklist redrawn',
    );
  }
  return errors;
}

async function started(options: { award?: string } = {}) {
  const slack = await SlackContracts.start();
  s = slack;
  await slack.command('config timezone Europe/London');
  await slack.command(`roles add <@${BEN}|ben> procurement`);
  slack.fake.options.users = { [SUPPLIER]: { is_restricted: true } };
  const { root, summary } = await slack.triage();
  const start = slackButton(summary, 'proc_start');
  expect(start.label).toBe('Start checklist');
  // Members cannot start it: the checklist is the procurement team's.
  const before = slack.fake.calls.length;
  await slack.click(summary, start, CAROL);
  const refusal = await slack.nextEphemeral(before, CAROL);
  expect(refusal.text).toContain('Starting a checklist');
  const modal = await slack.openModal(summary, start, BEN);
  expect(modal.callbackId).toBe('proc_start_submit');
  // Eight weeks on from 1 Apr 2026, until someone says otherwise.
  expect(modalInitial(modal, 'award')).toBe('2026-05-27');
  expect(await submitted(slack, modal, { award: '2026-03-01' }, BEN)).toEqual({
    award: 'The planned award date is in the past.',
  });
  expect(await submitted(slack, modal, { award: options.award ?? '2026-06-01' }, BEN)).toEqual({});
  await waitUntil(
    () => slack.harness.thread(root.ts).some((m) => m.text.startsWith('Checklist for')),
    5000,
    'checklist',
  );
  return { slack, root, summary };
}

/** `user` opens the app's Home tab; the text of the view Slack was asked to publish for them. */
async function openHome(slack: SlackContracts, user: string): Promise<string> {
  const before = slack.fake.callsOf('views.publish').length;
  const event = { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: '1.2' };
  const result = await postToSlackApp(slack.harness.baseUrl, 'json', eventCallback(event, { teamId: TEAM }), {
    secret: SECRET,
  });
  expect(result.status).toBe(200);
  const [published] = (await slack.fake.waitForCalls('views.publish', before + 1)).slice(before);
  expect(published!.args.user_id).toBe(user);
  return slackText(published!.args.view as { blocks: unknown[] });
}

describe('Slack: from triage to award', () => {
  it('takes a triage to ready for award with each item settled by the right role, then registers the contract', async () => {
    const { slack, root, summary: triageSummary } = await started();
    const p = await stored(slack);
    const gates = p.items.filter((i) => i.kind === 'gate');
    const evidence = p.items.filter((i) => i.kind === 'evidence');
    expect(gates.length).toBeGreaterThan(3);
    expect(evidence.map((i) => i.id)).toContain('E1');
    // Owner Ben; evidence due two weeks before the award, gates one week before.
    expect(new Set(p.items.map((i) => i.owner?.id))).toEqual(new Set([BEN]));
    expect(evidence[0]!.due).toBe('2026-05-18');
    expect(gates[0]!.due).toBe('2026-05-25');
    // E1 supports C1 and C20; only the clauses this triage asks for are named.
    expect(evidence.find((i) => i.id === 'E1')!.supports).toEqual(['C1']);

    const checklist = checklistOf(slack, root);
    const text = slackText(checklist);
    expect(text).toContain(`${p.id} · 0 of ${p.items.length} done`);
    expect(text).toContain('Gates to pass before award');
    expect(text).toContain('Evidence from the supplier');
    expect(text).toContain('(supports C1)');
    // The summary in the procurement channel shows the progress.
    const summary = () => slack.harness.messages().find((m) => m.channel === PROCUREMENT && !m.threadTs)!;
    await waitUntil(
      () => slackText(summary()).includes(`*Checklist*: 0 of ${p.items.length} done · pre-award · ${p.id}`),
      5000,
      'the progress in the procurement channel',
    );

    // A member who does not own an item cannot settle it; procurement cannot waive; an admin can.
    const [g1, g2, g3, ...restGates] = gates;
    expect(await updateItem(slack, root, { item: g1!.id, change: 'done' }, CAROL)).toEqual({
      change: 'Marking an item done needs the item’s owner or the procurement role.',
    });
    expect(await updateItem(slack, root, { item: g1!.id, change: 'waive', reason: 'Covered elsewhere' }, BEN)).toEqual({
      change: 'Waiving an item needs the admin role.',
    });
    expect(await updateItem(slack, root, { item: g1!.id, change: 'na' }, BEN)).toEqual({
      reason: 'Say why it does not apply.',
    });
    expect(await updateItem(slack, root, { item: g1!.id, change: 'done', proof: 'javascript:alert(1)' }, BEN)).toEqual({
      proof: 'Links must start https:// so they open safely for everyone.',
    });
    expect(
      await updateItem(slack, root, { item: g1!.id, change: 'waive', reason: 'Already on the council register' }),
    ).toEqual({});
    expect(
      await updateItem(slack, root, { item: g2!.id, change: 'na', reason: 'No personal data <!channel>' }, BEN),
    ).toEqual({});
    expect(
      await updateItem(slack, root, { item: g3!.id, change: 'done', proof: 'https://docs.example.gov/dpia.pdf' }, BEN),
    ).toEqual({});
    // A reassigned item may be settled by its new owner, a member.
    expect(await updateItem(slack, root, { item: restGates[0]!.id, change: 'keep', owner: CAROL }, BEN)).toEqual({});
    expect(await updateItem(slack, root, { item: restGates[0]!.id, change: 'done' }, CAROL)).toEqual({});

    const after = slackText(checklistOf(slack, root));
    expect(after).toContain('waived by <@UANA>: Already on the council register');
    expect(after).toContain('not applicable by <@UBEN>: No personal data &lt;!channel&gt;');
    expect(after).toContain('<https://docs.example.gov/dpia.pdf|proof>');
    await waitUntil(
      () => slackText(summary()).includes(`*Checklist*: 2 of ${p.items.length} done, 1 waived, 1 not applicable`),
      5000,
      'the progress',
    );
    // "Ready for award" is not offered while items are open, and refused if clicked from an older message.
    expect(() => slackButton(checklistOf(slack, root), 'proc_ready')).toThrow();

    for (const item of [...restGates.slice(1), ...evidence]) {
      expect(await updateItem(slack, root, { item: item.id, change: 'done' }, BEN)).toEqual({});
    }
    const full = checklistOf(slack, root);
    const ready = slackButton(full, 'proc_ready');
    // Members may not set it; procurement may.
    const before = slack.fake.calls.length;
    await slack.click(full, ready, CAROL);
    expect((await slack.nextEphemeral(before, CAROL)).text).toContain('Setting a procurement ready for award');
    await slack.click(full, ready, BEN);
    await waitUntil(
      () => slack.harness.thread(root.ts).some((m) => m.text.includes('is ready for award')),
      5000,
      'ready for award',
    );
    expect((await stored(slack)).ready?.by.id).toBe(BEN);
    // A second click on the old message says so to the clicker, and posts nothing more in the thread.
    const beforeAgain = slack.fake.calls.length;
    await slack.click(full, ready, BEN);
    expect((await slack.nextEphemeral(beforeAgain, BEN)).text).toContain('is ready for award');
    expect(slack.harness.thread(root.ts).filter((m) => m.text.includes('is ready for award'))).toHaveLength(1);

    // Registering now needs no reason: the form has no early-award field, and the procurement is awarded.
    const { contract } = await slack.register(triageSummary, { owner: 'UOWNER1', sro: 'USRO1' });
    const awarded = await stored(slack);
    expect(awarded.stage).toBe('awarded');
    expect(awarded.contractId).toBe(contract.id);
    await waitUntil(
      () => slackText(checklistOf(slack, root)).includes(`stage: awarded (${contract.id})`),
      5000,
      'awarded',
    );
    expect(findBroadcastMentions(slack.fake.calls.map((c) => c.args))).toEqual([]);
    expect(slack.fake.violations).toEqual([]);

    // Transparency drafts, from chat: ATRS, the US inventory row, the Algoritmeregister entry and the EU database
    // items (the triage found it high-risk), each with its to-do list.
    for (const kind of ['atrs', 'us-inventory', 'nl-register', 'eu-db']) {
      const before = slack.fake.files.length;
      const ack = await slack.harness.command(`publish ${kind} ${p.id}`, BEN);
      expect(ack.status).toBe(200);
      await waitUntil(() => slack.fake.files.slice(before).some((f) => f.completed), 5000, `the ${kind} draft`);
      const file = slack.fake.files.slice(before).find((f) => f.completed)!;
      expect(file.filename).toBe(`${kind}-${p.id}-draft.md`);
      expect(file.content).toContain('## To do (');
      expect(file.content).toMatch(/Checked against the official field list|Not validated: /);
    }
    const atrs = slack.fake.files.find((f) => f.filename === `atrs-${p.id}-draft.md`)!;
    expect(atrs.content).toContain('| Owner and Responsibility | Third party | Acme Analytics Ltd |');
    // Members may not: drafting a public record is the procurement team's.
    const refusedDraft = await slack.command(`publish atrs ${p.id}`, CAROL);
    expect(refusedDraft.reply.text).toContain('Drafting a transparency record');

    // Every change is in the procurement's history, with who made it.
    const beforeHistory = slack.fake.calls.length;
    await slack.click(checklistOf(slack, root), slackButton(checklistOf(slack, root), 'history_show'));
    const history = slackText(await slack.nextEphemeral(beforeHistory));
    expect(history).toContain(`<@UBEN> set ${evidence.at(-1)!.id} to done`);
    expect(history).toContain('<@UBEN> set it ready for award');
    expect(history).toContain(`moved it to awarded (${contract.id})`);

    // The ATRS record published, with its next review in three days: the next digest carries it, a documentation
    // refresh, with nothing to update on the checklist (publishing again moves it).
    await slack.command(`published atrs ${p.id} 2026-04-05`, BEN);
    // Live from the contract's start, ended after its end: each recorded, by the scheduler, with the day's digest.
    const [refresh] = await slack.tickAt('2026-04-02T08:05:00Z');
    const review = slackText(refresh!);
    expect(review).toContain('Review and republish the ATRS record (documentation refresh) · due');
    expect(slackButtons(refresh!).map((b) => b.label)).toEqual(['Open checklist']);
    expect((await stored(slack)).stage).toBe('live');
    // The day it is found ended, the digest opens by asking the contract's owner for a lesson, tagged from the
    // contract (its supplier, its triage's tags), at the exit stage.
    const [ended] = await slack.tickAt('2029-04-02T08:05:00Z');
    expect((await stored(slack)).stage).toBe('ended');
    expect(slackText(ended!)).toContain(
      `contract ${contract.id} with Acme Analytics Ltd ended · what did it teach us? <@${contract.owner.id}>`,
    );
    const lesson = await slack.openModal(ended!, slackButton(ended!, 'lesson_open'), BEN);
    expect(lesson.callbackId).toBe('lesson_submit');
    expect(modalInitial(lesson, 'stage')).toBe('exit');
    expect(modalInitial(lesson, 'link')).toBe(contract.id);
    expect(modalInitial(lesson, 'supplier')).toBe('Acme Analytics Ltd');
    expect(modalInitial(lesson, 'domains')).toEqual(['benefits']);
    // Asked once: the next day's digest does not ask again.
    const next = await slack.tickAt('2029-04-03T08:05:00Z');
    expect(next.some((m) => slackText(m).includes('what did it teach us?'))).toBe(false);
  });

  it('lets a supplier guest attach evidence to its own items only, marked for review', async () => {
    const { slack, root } = await started();
    const p = await stored(slack);
    const gate = p.items.find((i) => i.kind === 'gate')!;
    const checklist = checklistOf(slack, root);
    // The guest's form offers only the evidence addressed to the supplier.
    const modal = await slack.openModal(checklist, slackButton(checklist, 'proc_evidence'), SUPPLIER);
    expect(modal.callbackId).toBe('proc_evidence_submit');
    const offered = JSON.stringify(modal.blocks);
    expect(offered).toContain('E1 Supplier FactSheet');
    expect(offered).not.toContain(`"value":"${gate.id}"`);
    // A gate's id submitted anyway (a crafted request) is refused beside the field.
    expect(
      await submitted(slack, modal, { item: gate.id, proof: 'https://supplier.example.com/x.pdf' }, SUPPLIER),
    ).toEqual({
      item: `${gate.id} is the buying team’s, not addressed to the supplier.`,
    });
    expect(await submitted(slack, modal, { item: 'E1', proof: 'http://supplier.example.com/x.pdf' }, SUPPLIER)).toEqual(
      {
        proof: 'Links must start https:// so they open safely for everyone.',
      },
    );
    expect(
      await submitted(
        slack,
        modal,
        { item: 'E1', proof: 'https://supplier.example.com/factsheet.pdf', note: 'v3' },
        SUPPLIER,
      ),
    ).toEqual({});
    await waitUntil(() => slackText(checklistOf(slack, root)).includes('evidence received'), 5000, 'received');
    const e1 = (await stored(slack)).items.find((i) => i.id === 'E1')!;
    expect(e1.status).toBe('received');
    expect(e1.log.at(-1)).toMatchObject({ status: 'received', supplier: true, by: { id: SUPPLIER } });

    // "Update an item…" gives the guest the evidence form too, never the buyer's; a forged buyer form is refused.
    const update = await slack.openModal(
      checklistOf(slack, root),
      slackButton(checklistOf(slack, root), 'proc_update'),
      SUPPLIER,
    );
    expect(update.callbackId).toBe('proc_evidence_submit');
    const forged: SlackModal = { ...update, callbackId: 'proc_update_submit' };
    expect(await submitted(slack, forged, { item: gate.id, change: 'done' }, SUPPLIER)).toEqual({
      change:
        'Marking an item done is for the buying team; as the supplier you can attach evidence to the items addressed to you.',
    });
    expect((await stored(slack)).items.find((i) => i.id === gate.id)!.status).toBe('open');

    // The request pack, as Markdown and CSV, in the thread.
    const before = slack.fake.files.length;
    await slack.click(checklistOf(slack, root), slackButton(checklistOf(slack, root), 'proc_request'));
    await waitUntil(() => slack.fake.files.filter((f) => f.completed).length >= before + 2, 5000, 'two files');
    const [md, csv] = slack.fake.files.slice(before);
    expect(md!.filename).toBe(`evidence-request-${p.id}.md`);
    expect(md!.content).toContain(
      '| E1 | Supplier FactSheet or model card | Needed at every tier | C1 AI disclosure and FactSheet | 18 May 2026 | received, under review |',
    );
    expect(csv!.filename).toBe(`evidence-request-${p.id}.csv`);
    expect((csv!.content ?? '').split('\r\n')[0]).toBe('item,asked_for,why,supports_clauses,due,status');
    expect(csv!.content).toContain(
      'E1,Supplier FactSheet or model card,Needed at every tier,C1 AI disclosure and FactSheet,2026-05-18,"received, under review"',
    );

    // Deleting the triage takes its procurement with it.
    const ask = await slack.command(`delete triage ${p.dialogueId}`);
    await slack.click(ask.reply, slackButton(ask.reply, 'history_delete_confirm'));
    await waitUntil(
      async () => (await slack.harness.service!.procurementRepository.listByTenant(SLACK_TENANT)).length === 0,
      5000,
      'the procurement deleted',
    );
    expect(
      await slack.harness.service!.procurementRepository.byThread(SLACK_TENANT, root.channel, root.ts),
    ).toBeUndefined();
    // The procurement's history is a tombstone too, and the whole history still verifies.
    const records = slack.harness.service!.records;
    const history = new KeyvHistoryRepository(records, new StoreLocker(records, { crossProcess: false }));
    expect(await verifyHistory(history, SLACK_TENANT)).toMatchObject({ ok: true });
  });

  it('runs a consequence scan whose Act, Influence and Monitor items reach the checklist, the request pack and the contract form', async () => {
    const { slack, root, summary: triageSummary } = await started();
    const p0 = await stored(slack);
    // "Run a consequence scan" on the summary in the procurement channel opens it in the triage's thread.
    const channelSummary = () => slack.harness.messages().find((m) => m.channel === PROCUREMENT && !m.threadTs)!;
    await waitUntil(() => slackButtons(channelSummary()).some((b) => b.actionId.startsWith('proc_scan')), 5000, 'scan');
    await slack.click(channelSummary(), slackButton(channelSummary(), 'proc_scan'));
    await waitUntil(
      () => slack.harness.thread(root.ts).some((m) => m.text.startsWith('Consequence scan 1:')),
      5000,
      'scan',
    );
    const scan = slack.harness.thread(root.ts).find((m) => m.text.startsWith('Consequence scan 1:'))!;
    expect(slackText(scan)).toContain('Who could be affected');
    const consequences = [
      ['Residents wrongly flagged lose benefits while a case is reviewed', ['act', 'negative', 'unintended']],
      [
        'The supplier changes the model without telling us; we need C11 change control',
        ['influence', 'negative', 'unintended'],
      ],
      ['Caseworkers spend less time on paperwork @channel', ['monitor', 'positive', 'intended']],
      ['Nobody sorts this one', []],
    ] as const;
    // Anyone in the channel adds consequences, the supplier's guest too.
    for (const [i, [text]] of consequences.entries()) {
      await slack.harness.reply(root.ts, text, i === 3 ? SUPPLIER : CAROL);
    }
    await waitUntil(
      () => slack.harness.thread(root.ts).filter((m) => m.text.startsWith('Consequence S1-')).length === 4,
      5000,
      'four consequences',
    );
    for (const [i, [, clicks]] of consequences.entries()) {
      for (const set of clicks) {
        const message = slack.harness.thread(root.ts).find((m) => m.text.startsWith(`Consequence S1-${i + 1}:`))!;
        const button = slackButtons(message).find((b) => b.payload.set === set)!;
        const before = slack.fake.calls.length;
        await slack.click(message, button, BEN);
        await slack.fake.waitFor((calls) => calls.slice(before).some((c) => c.method === 'chat.update'), 5000, set);
      }
    }
    const sorted = slack.harness.thread(root.ts).find((m) => m.text.startsWith('Consequence S1-1:'))!;
    // What each becomes is the buyer's call: the supplier cannot sort.
    const beforeSort = slack.fake.calls.length;
    await slack.click(sorted, slackButtons(sorted).find((b) => b.payload.set === 'monitor')!, SUPPLIER);
    expect((await slack.nextEphemeral(beforeSort, SUPPLIER)).text).toContain(
      'Sorting consequences is for the buying team',
    );
    // Nor a member: what each becomes changes the checklist, the procurement team's call.
    const beforeMember = slack.fake.calls.length;
    await slack.click(sorted, slackButtons(sorted).find((b) => b.payload.set === 'monitor')!, CAROL);
    expect((await slack.nextEphemeral(beforeMember, CAROL)).text).toContain('is for the procurement team or an admin');
    expect((await stored(slack)).scans[0]!.consequences[0]!.sort).toBe('act');
    expect(slackText(sorted)).toContain('Act · negative, unintended');
    // Only the buying team closes a scan.
    const before = slack.fake.calls.length;
    await slack.click(scan, slackButton(scan, 'proc_scan_close'), SUPPLIER);
    expect((await slack.nextEphemeral(before, SUPPLIER)).text).toContain('is for the buying team');
    await slack.click(scan, slackButton(scan, 'proc_scan_close'), BEN);
    await waitUntil(
      () => slack.harness.thread(root.ts).some((m) => m.text.startsWith('Consequence scan 1 closed')),
      5000,
      'log',
    );
    const log = slackText(slack.harness.thread(root.ts).find((m) => m.text.startsWith('Consequence scan 1 closed'))!);
    expect(log).toContain('Act: now checklist items');
    expect(log).toContain('→ A1');
    expect(log).toContain('→ C11');
    expect(log).toContain('→ K101');
    expect(log).toContain('Not sorted');
    expect(log).toContain('@\u200bchannel');
    // The log asks for a lesson: its button opens the lesson form, tagged with this procurement.
    const logMessage = slack.harness.thread(root.ts).find((m) => m.text.startsWith('Consequence scan 1 closed'))!;
    const lessonModal = await slack.openModal(logMessage, slackButton(logMessage, 'lesson_open'), BEN);
    expect(lessonModal.callbackId).toBe('lesson_submit');
    expect(modalInitial(lessonModal, 'link')).toBe(p0.id);

    const p = await stored(slack);
    expect(p.items).toHaveLength(p0.items.length + 1);
    expect(p.items.at(-1)).toMatchObject({ id: 'A1', kind: 'action', text: consequences[0][0] });
    expect(p.clauseAsks).toEqual([{ ref: 'C11', text: consequences[1][0], from: 'S1-2' }]);
    expect(p.kpiProposals).toEqual([{ id: 'K101', title: consequences[2][0], from: 'S1-3' }]);
    await waitUntil(
      () => slackText(checklistOf(slack, root)).includes('Actions from consequence scans'),
      5000,
      'the checklist with A1',
    );
    expect(slackText(checklistOf(slack, root))).toContain('*C11* The supplier changes the model without telling us');
    // A reply after the scan closed is chat again: nothing is added.
    await slack.harness.reply(root.ts, 'Thanks all', CAROL);
    await slack.harness.settle(100);
    expect((await stored(slack)).scans[0]!.consequences).toHaveLength(4);

    // Monitor: proposed on the contract form, selected. The checklist is not ready: the form asks an admin why.
    const modal = await slack.openModal(triageSummary, slackButton(triageSummary, 'contract_register'));
    expect(modalInitial(modal, 'kpis')).toContain('K101');
    expect(JSON.stringify(modal.blocks)).toContain('Caseworkers spend less time on paperwork');
    const early = async (user: string, reason: string | null) => {
      const result = await slack.submit(
        modal,
        modalState(modal, { supplier: 'Acme Analytics Ltd', early: reason }),
        user,
      );
      return result.body === '' ? {} : (result.json as { errors: Record<string, string> }).errors;
    };
    expect((await early('UANA', null)).early).toContain('is not ready for award');
    expect(await early(BEN, 'Emergency award, signed off by the director')).toEqual({
      early: 'Registering before the checklist is ready for award needs an admin.',
    });
    expect(await early('UANA', 'Emergency award, signed off by the director')).toEqual({});
    await waitUntil(async () => (await stored(slack)).stage === 'awarded', 5000, 'awarded');
    const awarded = await stored(slack);
    expect(awarded.earlyAward).toEqual({
      by: { id: 'UANA', name: 'uana' },
      reason: 'Emergency award, signed off by the director',
    });
    const [contract] = await slack.stored();
    expect(contract!.kpis.map((k) => k.id)).toContain('K101');

    // At renewal the scan runs again, by command.
    await slack.command(`scan ${p.id.toLowerCase()}`, BEN);
    await waitUntil(
      () => slack.harness.thread(root.ts).some((m) => m.text.startsWith('Consequence scan 2:')),
      5000,
      'scan 2',
    );
    expect((await stored(slack)).scans[1]!.occasion).toBe('renewal');
  });

  it('puts checklist items due this week, and overdue ones with escalation, in the daily digest; and shows them at home', async () => {
    const { slack } = await started({ award: '2026-04-20' });
    const p = await stored(slack);
    // Evidence is due 6 Apr (two weeks before 20 Apr), gates 13 Apr.
    const [digest] = await slack.tickAt('2026-04-02T08:05:00Z');
    expect(digest).toBeDefined();
    const text = slackText(digest!);
    expect(text).toContain(`checklist E1 Supplier FactSheet or model card · due`);
    expect(text).not.toContain('checklist G1');
    // A published ATRS record's review joins the same digest, as a documentation refresh.
    expect((await slack.command(`published atrs ${p.id} 2026-03-01`, BEN)).reply.text).toContain('after today');
    expect((await slack.command(`published atrs ${p.id} someday`, BEN)).reply.text).toContain('Usage: published');
    const published = await slack.command(`published atrs ${p.id} 2026-04-15`, BEN);
    expect(published.reply.text).toContain('its review comes up in the digest on 15 Apr 2026');
    // Ten days later the evidence is 7 days overdue: its owner is mentioned.
    const [later] = await slack.tickAt('2026-04-13T08:05:00Z');
    expect(slackText(later!)).toMatch(/checklist E1 .* · overdue since .* \(7 days\) · owner <@UBEN>/);
    // The record's review is there too, counted among the week's items (the first 20 shown are older).
    expect(slackText(later!)).toContain('1 due this week');
    // Its Update button opens the buyer's form on that item.
    const update = slackButton(later!, 'proc_update');
    expect(update.payload).toEqual({ p: p.id, i: 'E1' });
    const modal = await slack.openModal(later!, update, BEN);
    expect(modalInitial(modal, 'item')).toBe('E1');

    // The App Home: Ben's own items, overdue first.
    const homeText = await openHome(slack, BEN);
    expect(homeText).toContain('My items');
    expect(homeText).toContain('overdue');
    // Overdue evidence first; ten rows, the rest counted.
    expect(homeText.split('\n').find((l) => l.includes('•'))).toMatch(/^• \*E\d+\* .* overdue since/);
    expect(homeText).toMatch(/and \d+ more/);
    expect(homeText).toContain('My procurements');
    expect(homeText).toContain(p.id);
    // Someone with nothing of their own sees that, not Ben's items.
    expect(await openHome(slack, CAROL)).toContain('Nothing of yours is due within 30 days.');
  });
});
