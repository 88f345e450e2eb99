/**
 * The data lifecycle: an admin deletes a contract or a triage after a confirmation, its reminders stop, and the
 * history keeps a tombstone without personal text that still verifies; `config retention` sets how long records
 * are kept, and the sweep deletes what has outlived it (abandoned triages after 90 days).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyHistory } from '../../src/core/history/verify.js';
import { dialogueIdFor } from '../../src/core/triage/service.js';
import { KeyvDialogueRepository } from '../../src/store/dialogue-repository.js';
import { KeyvHistoryRepository } from '../../src/store/history-repository.js';
import { KeyvLessonRepository } from '../../src/store/lesson-repository.js';
import { StoreLocker } from '../../src/store/locks.js';
import {
  cardAction,
  londonNine,
  modalState,
  SLACK_TENANT,
  SlackContracts,
  slackButton,
  slackText,
  TEAMS_TENANT,
  TeamsContracts,
  TRIAGE_TITLE as TRIAGE,
} from '../helpers/contracts-driver.js';
import { cardText } from '../support/adaptive-cards.js';
import { ALICE, BOB } from '../support/teams-activities.js';
import { waitUntil } from '../support/wait.js';

let slack: SlackContracts | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

function historyOf(s: SlackContracts) {
  const records = s.harness.service!.records;
  return new KeyvHistoryRepository(records, new StoreLocker(records, { crossProcess: false }));
}

describe('deleting a record', () => {
  it('Slack: asks first, is for admins only, stops the reminders, and leaves a tombstone that verifies', async () => {
    slack = await SlackContracts.start();
    const { summary } = await slack.triage();
    const { contract } = await slack.register(summary);
    const record = `contract:${contract.id}`;

    // A member may not; nothing changes.
    expect(slackText((await slack.command(`delete contract ${contract.id}`, 'UBEN')).reply)).toContain(
      'Deleting records is for an admin',
    );
    // The admin is asked first, and told what goes and what stays.
    const { reply: question } = await slack.command(`delete contract ${contract.id}`);
    expect(slackText(question)).toContain(`Delete the contract “${contract.title}”?`);
    expect(slackText(question)).toContain('tombstone');
    expect(await slack.stored()).toHaveLength(1);

    // A member who clicks the button is refused too.
    let since = slack.fake.calls.length;
    await slack.click(question, slackButton(question, 'history_delete_confirm'), 'UBEN');
    expect(slackText(await slack.nextEphemeral(since, 'UBEN'))).toContain('Deleting records is for an admin');
    expect(await slack.stored()).toHaveLength(1);

    since = slack.fake.calls.length;
    await slack.click(question, slackButton(question, 'history_delete_confirm'));
    expect(slackText(await slack.nextEphemeral(since))).toContain(`Deleted the contract “${contract.title}”`);
    expect(await slack.stored()).toEqual([]);
    expect(slackText((await slack.command('contracts')).reply)).not.toContain(contract.id);
    // Its reminders stop: the day its first KPI review was due, no digest comes.
    expect(await slack.tickAt(londonNine('2026-05-01'))).toEqual([]);

    // The tombstone: the deletion, whole, after earlier events blanked of who and what; the chain still verifies.
    const history = historyOf(slack);
    const head = await history.head(SLACK_TENANT, record);
    const events = await history.events(SLACK_TENANT, record, 1, head!.seq);
    expect(events.at(-1)).toMatchObject({
      kind: 'contract.deleted',
      by: { id: 'UANA' },
      data: { reason: 'deleted by an admin' },
    });
    expect(events.slice(0, -1).every((e) => e.redacted === true)).toBe(true);
    const text = JSON.stringify(events);
    expect(text).not.toContain(contract.title);
    expect(text).not.toContain('Acme Analytics');
    expect(await verifyHistory(history, SLACK_TENANT)).toMatchObject({ ok: true });

    // Blanking an event of a record that was never deleted is named by --verify.
    const dialogueRecord = `dialogue:${contract.triage!.dialogueId}`;
    await history.redact(SLACK_TENANT, dialogueRecord, 1, 1);
    const report = await verifyHistory(history, SLACK_TENANT);
    expect(report.ok).toBe(false);
    expect(report.problem).toContain(
      `record ${dialogueRecord}: event #1 was blanked, but the record was never deleted`,
    );
  });
});

describe('retention', () => {
  it('Slack: config retention sets it; the sweep deletes abandoned triages after 90 days and old contracts', async () => {
    slack = await SlackContracts.start();
    expect(slackText((await slack.command('config retention 1', 'UBEN')).reply)).toContain('is for an admin');
    expect(slackText((await slack.command('config retention 0')).reply)).toContain('from 1 to 100');
    expect(slackText((await slack.command('config retention 1')).reply)).toContain('kept 1 year after');

    const { summary } = await slack.triage();
    const { contract } = await slack.register(summary);
    // A lesson, kept the same year after it was recorded.
    const form = await slack.commandModal('lesson');
    const values = { happened: 'Nobody owned the data', differently: 'Name a data owner first', stage: 'triage' };
    await slack.submit(form, modalState(form, { ...values, outcome: 'failed' }));
    const lessons = new KeyvLessonRepository(slack.harness.service!.records);
    await waitUntil(async () => (await lessons.listByTenant(SLACK_TENANT)).length === 1, 5000, 'the lesson saved');
    const [lesson] = await lessons.listByTenant(SLACK_TENANT);
    // A second triage, left unfinished.
    await slack.harness.command('triage Abandoned chatbot');
    await slack.fake.waitFor(() => slack!.harness.messages().some((m) => m.text.includes('Abandoned chatbot')));
    const abandoned = slack.harness.rootOf('Abandoned chatbot');
    const abandonedId = dialogueIdFor({ channel: abandoned.channel, id: abandoned.ts });
    const dialogues = new KeyvDialogueRepository(slack.harness.service!.records);
    const lifecycle = slack.harness.service!.lifecycle;
    await waitUntil(
      async () => (await dialogues.get(SLACK_TENANT, abandonedId)) !== undefined,
      5000,
      'the triage saved',
    );

    // 60 days on, nothing has expired.
    slack.clock.set('2026-05-31T08:00:00Z');
    expect(await lifecycle.sweep()).toBe(0);
    expect(await dialogues.get(SLACK_TENANT, abandonedId)).toBeDefined();
    // 100 days on, the unfinished triage is gone; the finished one and the contract stay.
    slack.clock.set('2026-07-10T08:00:00Z');
    expect(await lifecycle.sweep()).toBe(1);
    expect(await dialogues.get(SLACK_TENANT, abandonedId)).toBeUndefined();
    expect(await slack.stored()).toHaveLength(1);
    // A year after the contract ends (31 March 2029), it goes; its triage with it, or at its next look.
    for (const at of ['2030-04-15T08:00:00Z', '2030-05-20T08:00:00Z', '2030-06-25T08:00:00Z']) {
      slack.clock.set(at);
      await lifecycle.sweep();
    }
    expect(await slack.stored()).toEqual([]);
    expect(await dialogues.get(SLACK_TENANT, contract.triage!.dialogueId)).toBeUndefined();
    expect(await lessons.listByTenant(SLACK_TENANT)).toEqual([]);

    const history = historyOf(slack);
    const events = await history.events(SLACK_TENANT, `dialogue:${abandonedId}`, 1, 10);
    expect(events.at(-1)).toMatchObject({ kind: 'triage.deleted', by: { platform: 'system', id: 'retention' } });
    expect(JSON.stringify(events)).not.toContain('Abandoned chatbot');
    const lessonEvents = await history.events(SLACK_TENANT, `lesson:${lesson!.id}`, 1, 10);
    expect(lessonEvents.at(-1)).toMatchObject({ kind: 'lesson.deleted', by: { platform: 'system', id: 'retention' } });
    expect(await verifyHistory(history, SLACK_TENANT)).toMatchObject({ ok: true });
  });
});

describe('deleting a record in Teams', () => {
  let teams: TeamsContracts | undefined;
  afterEach(async () => {
    await teams?.close();
    teams = undefined;
  });

  it('History → Delete… asks first; only an admin deletes; the triage goes and its tombstone verifies', async () => {
    teams = await TeamsContracts.start();
    const { thread, summary } = await teams.triage();
    const root = teams.connector.thread(thread)[0]!;
    const id = dialogueIdFor({ channel: root.conversationId, id: root.activityId });
    const { posted: historyCard } = await teams.executeForNewCard(
      summary,
      cardAction(summary.cards[0], 'history_show'),
    );
    expect(cardText(historyCard.cards[0])).toContain(`dialogue:${id}`);
    const { posted: question } = await teams.executeForNewCard(
      historyCard,
      cardAction(historyCard.cards[0], 'history_delete'),
    );
    expect(cardText(question.cards[0])).toContain(`Delete the triage “${TRIAGE}”?`);

    // Bob is no admin: refused under the card, and the triage stays.
    const refused = await teams.execute(question, cardAction(question.cards[0], 'history_delete_confirm'), {}, BOB);
    expect(JSON.stringify(refused.body)).toContain('Deleting records is for an admin');
    const dialogues = new KeyvDialogueRepository(teams.harness.service.records);
    expect(await dialogues.get(TEAMS_TENANT, id)).toBeDefined();

    const { posted: done } = await teams.executeForNewCard(
      question,
      cardAction(question.cards[0], 'history_delete_confirm'),
    );
    expect(cardText(done.cards[0])).toContain(`Deleted the triage “${TRIAGE}”`);
    expect(await dialogues.get(TEAMS_TENANT, id)).toBeUndefined();
    const records = teams.harness.service.records;
    const history = new KeyvHistoryRepository(records, new StoreLocker(records, { crossProcess: false }));
    const events = await history.events(TEAMS_TENANT, `dialogue:${id}`, 1, 100);
    expect(events.at(-1)).toMatchObject({ kind: 'triage.deleted', by: { platform: 'teams', id: ALICE.aadObjectId } });
    expect(JSON.stringify(events)).not.toContain(TRIAGE);
    expect(await verifyHistory(history, TEAMS_TENANT)).toMatchObject({ ok: true });
  });
});
