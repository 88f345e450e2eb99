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

describe('Slack: a channel whose posts hang for 30 s', () => {
  it('records clicks at once, leaves other channels alone, and posts the hung message once when Slack answers', async () => {
    const h = await SlackHarness.start({ env: { platformTimeoutMs: 500 } });
    slack = h;
    await h.command('triage Hung triage');
    await h.fake.waitFor(() => h.messages().some((m) => m.threadTs && m.channel === CHANNEL), 5000, 'first question');
    await h.command('triage Calm triage', 'UANA', CALM);
    await h.fake.waitFor(() => h.messages().some((m) => m.threadTs && m.channel === CALM), 5000, 'calm question');
    const hung = h.rootOf('Hung triage');
    const calm = h.rootOf('Calm triage');
    const dialogues = new KeyvDialogueRepository(h.service!.records);
    const hungId = dialogueIdFor({ channel: hung.channel, id: hung.ts });

    // For the next 30 s every post into the hung channel takes 30 s to answer (Slack has taken it in, as it does
    // when it is slow: the message is there, the answer is late). Everything else answers at once.
    const hangUntil = Date.now() + 30_000;
    h.fake.options.delayFor = (method, args) =>
      method === 'chat.postMessage' && args.channel === CHANNEL && Date.now() < hangUntil ? 30_000 : undefined;
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
    // The dialogue is not held by the hung post: a colleague's click on the same question is answered at once.
    const ephemerals = h.ephemerals('UBEN').length;
    const second = Date.now();
    await h.click(question, none, 'UBEN');
    await h.fake.waitFor(() => h.ephemerals('UBEN').length > ephemerals, 2000, 'the colleague told it was answered');
    expect(textOf({ blocks: h.ephemerals('UBEN').at(-1)!.args.blocks })).toContain('already answered');
    expect(Date.now() - second).toBeLessThan(2000);

    // Another channel's triage goes on while this one hangs.
    const calmQuestion = h.currentQuestion(calm.ts)!;
    await h.click(calmQuestion, buttons(calmQuestion).find((b) => b.payload.o === 'none')!);
    await h.fake.waitFor(
      () => h.questionIdOf(h.currentQuestion(calm.ts)!) === 'role',
      3000,
      'the calm triage moving on',
    );

    // The next question was posted into the hung channel and its answer is late. Retries ask Slack first
    // (message metadata), find the post, and record it: when the hung answer finally comes, there is one.
    const asked = () =>
      h.fake
        .callsOf('chat.postMessage')
        .filter((c) => c.args.thread_ts === hung.ts && h.questionIdOf({ blocks: c.args.blocks } as never) === 'role');
    await waitUntil(
      async () => (await dialogues.get('slack_T111', hungId))?.currentMessage !== undefined,
      45_000,
      'the next question recorded',
    );
    await h.fake.waitFor(() => asked().length >= 1, 40_000, 'the hung post answered');
    const dialogue = await dialogues.get('slack_T111', hungId);
    expect(dialogue?.outbox ?? []).toEqual([]);
    expect(asked()).toHaveLength(1);
    expect(dialogue?.currentMessage?.id).toBe(asked()[0]!.response.ts);
    expect(h.fake.callsOf('conversations.replies').length).toBeGreaterThan(0);
  }, 90_000);
});

describe('Teams: a conversation whose Bot Connector calls hang', () => {
  it('keeps the answer and frees the triage', async () => {
    const h = await TeamsHarness.start({ env: { platformTimeoutMs: 1500 } });
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
      () => h.logs.join('').includes('the Bot Connector did not answer within 1500 ms'),
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
