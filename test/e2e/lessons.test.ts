/**
 * Lessons, end to end on both platforms: recorded with the form (a Slack modal opened by the command, a Teams card),
 * tagged from the procurement it is about, and found again by a misspelt word, with tag filters, within the tenant.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  cardAction,
  cardInputs,
  cardLines,
  modalInitial,
  modalState,
  SlackContracts,
  slackButton,
  slackButtons,
  slackText,
  TeamsContracts,
} from '../helpers/contracts-driver.js';
import { errorsOf } from '../helpers/teams-forms.js';
import { cardActions } from '../helpers/teams-harness.js';
import { waitUntil } from '../support/wait.js';

let s: SlackContracts | undefined;
let t: TeamsContracts | undefined;
afterEach(async () => {
  await s?.close();
  await t?.close();
  s = undefined;
  t = undefined;
});

const HAPPENED = 'The supplier retrained the fraud model on our claims data without asking';
const DIFFERENTLY = 'Put the no-training clause (C5) in the contract and check the data processing agreement';

describe('lessons', () => {
  it('Slack: records a lesson tagged from its procurement, and finds it by a misspelt word', async () => {
    const slack = await SlackContracts.start();
    s = slack;
    const { summary } = await slack.triage();
    // Nothing recorded yet: the summary offers no lessons.
    expect(slackButtons(summary).some((b) => b.actionId.startsWith('lesson_related'))).toBe(false);
    const p = await slack.startChecklist(summary);

    const modal = await slack.commandModal(`lesson ${p!.id}`);
    expect(modal.callbackId).toBe('lesson_submit');
    // Tagged from the triage: its domains, technique and tier, and the link.
    expect(modalInitial(modal, 'domains')).toEqual(['benefits']);
    expect(modalInitial(modal, 'tier')).toBe('high');
    expect(modalInitial(modal, 'link')).toBe(p!.id);
    const missing = await slack.submit(modal, modalState(modal, {}));
    expect((missing.json as { errors: Record<string, string> }).errors).toMatchObject({
      happened: 'Say what happened.',
      stage: 'Choose the stage.',
    });
    const saved = await slack.submit(
      modal,
      modalState(modal, {
        happened: HAPPENED,
        differently: DIFFERENTLY,
        supplier: 'Acme Analytics',
        stage: 'live',
        outcome: 'failed',
      }),
    );
    expect(saved.body).toBe('');
    await waitUntil(
      () => slack.fake.callsOf('chat.postEphemeral').some((c) => JSON.stringify(c.args).includes('saved')),
      5000,
      'the confirmation',
    );

    // A colleague searches with a typo, and with a tag filter.
    const found = (await slack.command('lessons retrainned', 'UBEN')).reply;
    expect(found.text).toBe('1 lesson from colleagues');
    expect(slackText(found)).toContain('retrained the fraud model');
    expect((await slack.command('lessons retrained stage:award', 'UBEN')).reply.text).toBe(
      'No lessons match “retrained stage:award”.',
    );

    // The next triage about the same domain ends with the lesson offered; a click shows it to the clicker.
    const next = await slack.triage('Council tax reduction fraud checks');
    const offer = slackButton(next.summary, 'lesson_related');
    expect(offer.label).toBe('1 lesson from colleagues');
    expect(slackText(next.summary)).toContain('1 lesson from colleagues');
    const since = slack.fake.calls.length;
    await slack.click(next.summary, offer, 'UBEN');
    const shown = await slack.nextEphemeral(since, 'UBEN');
    expect(shown.text).toBe('1 lesson from colleagues');
    expect(slackText(shown)).toContain('retrained the fraud model');
    expect(slackText(shown)).toContain('Council tax reduction fraud checks');
  });

  it('Teams: records a lesson on a card and finds it', async () => {
    const teams = await TeamsContracts.start();
    t = teams;
    const [form] = await teams.say('lesson');
    expect(cardLines(form!.cards[0])[0]).toBe('Record a lesson');
    const result = await teams.execute(form!, cardAction(form!.cards[0], 'lesson_submit'), {
      ...cardInputs(form!.cards[0]),
      happened: HAPPENED,
      differently: DIFFERENTLY,
      stage: 'award',
      outcome: 'near-miss',
    });
    expect(errorsOf(result)).toEqual([]);
    const [found] = await teams.say('lessons fraud modle');
    expect(cardLines(found!.cards[0]).join('\n')).toContain('retrained the fraud model');
  });

  it('Teams: a triage naming a supplier a lesson is about is offered that lesson', async () => {
    const teams = await TeamsContracts.start();
    t = teams;
    const first = await teams.triage('Chatbot for council tax questions');
    expect(cardActions(first.summary.cards[0]).some((a) => a.verb === 'lesson_related')).toBe(false);
    const [form] = await teams.say('lesson');
    const saved = await teams.execute(form!, cardAction(form!.cards[0], 'lesson_submit'), {
      ...cardInputs(form!.cards[0]),
      happened: 'Nimbus Speech changed its model mid-contract without notice',
      differently: 'Ask for change notification in the contract',
      supplier: 'Nimbus Speech',
      stage: 'live',
      outcome: 'near-miss',
    });
    expect(errorsOf(saved)).toEqual([]);

    const { summary } = await teams.triage('Nimbus Speech transcription for social care');
    const offer = cardActions(summary.cards[0]).find((a) => a.verb === 'lesson_related');
    expect(offer?.title).toBe('1 lesson from colleagues');
    const { posted } = await teams.executeForNewCard(summary, offer!);
    expect(cardLines(posted.cards[0]).join('\n')).toContain('changed its model mid-contract');
  });
});
