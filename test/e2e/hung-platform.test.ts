/**
 * A platform call that hangs must not hold a dialogue: every Slack and Teams call has a timeout (PLATFORM_TIMEOUT_MS,
 * short here), and a lock has a maximum hold. The answer is kept before anything is posted, the person is told, a
 * triage elsewhere goes on meanwhile, and the same triage carries on once the platform answers again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dialogueIdFor } from '../../src/core/triage/service.js';
import { KeyvDialogueRepository } from '../../src/store/dialogue-repository.js';
import { buttons, CHANNEL, SlackHarness, textOf } from '../helpers/slack-harness.js';
import { cardActions, messageCard, TeamsHarness } from '../helpers/teams-harness.js';
import { CHANNEL_ID, TENANT_ID } from '../support/teams-activities.js';
import { waitUntil } from '../support/wait.js';

let slack: SlackHarness | undefined;
let teams: TeamsHarness | undefined;
afterEach(async () => {
  await slack?.close();
  await teams?.close();
  slack = undefined;
  teams = undefined;
});

const CALM = 'CCALM001';

describe('Slack: a channel whose API calls hang', () => {
  it('keeps the answer, frees the triage, and leaves other channels alone', async () => {
    const h = await SlackHarness.start({ env: { platformTimeoutMs: 300 } });
    slack = h;
    await h.command('triage Hung triage');
    await h.fake.waitFor(() => h.messages().some((m) => m.threadTs && m.channel === CHANNEL), 5000, 'first question');
    await h.command('triage Calm triage', 'UANA', CALM);
    await h.fake.waitFor(() => h.messages().some((m) => m.threadTs && m.channel === CALM), 5000, 'calm question');
    const hung = h.rootOf('Hung triage');
    const calm = h.rootOf('Calm triage');
    const dialogues = new KeyvDialogueRepository(h.service!.records);
    const hungId = dialogueIdFor({ channel: hung.channel, id: hung.ts });

    // From now on every call about the hung channel waits 30 s (the person's own notes still get through).
    h.fake.options.delayFor = (method, args) =>
      args.channel === CHANNEL && method !== 'chat.postEphemeral' ? 30_000 : undefined;
    const question = h.currentQuestion(hung.ts)!;
    const none = buttons(question).find((b) => b.payload.o === 'none')!;
    const clicked = Date.now();
    expect((await h.click(question, none)).status).toBe(200);
    await waitUntil(
      async () => (await dialogues.get('slack_T111', hungId))?.answers.prohibited !== undefined,
      2000,
      'the answer kept',
    );
    expect(Date.now() - clicked).toBeLessThan(2000);

    // Another channel's triage goes on while this one hangs.
    const calmQuestion = h.currentQuestion(calm.ts)!;

    await h.click(calmQuestion, buttons(calmQuestion).find((b) => b.payload.o === 'none')!);
    await h.fake.waitFor(
      () => h.questionIdOf(h.currentQuestion(calm.ts)!) === 'role',
      3000,
      'the calm triage moving on',
    );

    // The hung call gives up; the person is told, privately.
    const [note] = await h.fake
      .waitFor(
        (calls) =>
          calls.some(
            (c) =>
              c.method === 'chat.postEphemeral' && textOf({ blocks: c.args.blocks }).includes('Something went wrong'),
          ),
        15_000,
        'the failure note',
      )
      .then((calls) => calls.filter((c) => c.method === 'chat.postEphemeral'));
    expect(note).toBeDefined();

    // Slack answers again: the same triage is not stuck. A click on the old question says it was answered and
    // posts the question that did not go out.
    h.fake.options.delayFor = undefined;
    await h.click(question, none);
    await h.fake.waitFor(
      () => h.thread(hung.ts).some((m) => h.questionIdOf(m) === 'role'),
      5000,
      'the next question of the hung triage',
    );
  });
});

describe('Teams: a conversation whose Bot Connector calls hang', () => {
  it('keeps the answer and frees the triage', async () => {
    const h = await TeamsHarness.start({ env: { platformTimeoutMs: 300 } });
    teams = h;
    const rootId = '1790000777000';
    await h.say('triage Hung Teams triage', { rootId });
    const thread = `${CHANNEL_ID};messageid=${rootId}`;
    await h.connector.waitFor(() => h.currentQuestion(thread) !== undefined, 5000, 'first question');
    const dialogues = new KeyvDialogueRepository(h.service.records);
    const root = h.connector.thread(thread)[0]!;
    const id = dialogueIdFor({ channel: root.conversationId, id: root.activityId });

    h.connector.options.delayFor = (method, conversation) =>
      conversation?.startsWith(CHANNEL_ID) && method !== 'members' ? 30_000 : undefined;
    const question = h.currentQuestion(thread)!;
    const none = cardActions(messageCard(question)).find((a) => a.data.o === 'none')!;
    const clicked = Date.now();
    const answered = await h.click(question, none);
    // Teams gets its answer at once: the collapsed card, whatever happens to the posts after it.
    expect(answered.status).toBe(200);
    expect(Date.now() - clicked).toBeLessThan(6000);
    await waitUntil(
      async () => (await dialogues.get(`teams_${TENANT_ID}`, id))?.answers.prohibited !== undefined,
      2000,
      'the answer kept',
    );
    // The hung update gives up after the timeout (it would otherwise hold the triage for 30 s).
    await waitUntil(
      () => h.logs.join('').includes('the Bot Connector did not answer within 300 ms'),
      5000,
      'the timeout',
    );

    h.connector.options.delayFor = undefined;
    await h.click(question, none);
    await h.connector.waitFor(
      () => h.connector.thread(thread).some((m) => h.questionIdOf(m) === 'role'),
      10_000,
      'the next question',
    );
  });
});
