/**
 * kill -9 between the state write and the post: the decision is in the store with the post it owes (the outbox), the
 * post never reached the platform, and the process is gone. The next process's outbox worker posts it, once, when
 * the dead process's claim has lapsed; nobody has to click anything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dialogueIdFor } from '../../src/core/triage/service.js';
import { KeyvDialogueRepository } from '../../src/store/dialogue-repository.js';
import { openStore, type StoreHandle } from '../../src/store/open-store.js';
import { Records } from '../../src/store/records.js';
import { quietLogger, sqliteUrl } from '../helpers/backends.js';
import { type ChildService, startChildService } from '../helpers/child-service.js';
import { buttons, SlackHarness, slackChildEnv, TEAM } from '../helpers/slack-harness.js';
import { cardActions, messageCard, TeamsHarness } from '../helpers/teams-harness.js';
import { type FakeConnector, startFakeConnector } from '../support/fake-connector.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { holdFirst } from '../support/hold.js';
import { CHANNEL_ID, TENANT_ID } from '../support/teams-activities.js';
import { waitUntil } from '../support/wait.js';

let fake: FakeSlack | undefined;
let connector: FakeConnector | undefined;
let store: StoreHandle | undefined;
const children: ChildService[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) await child.kill();
  await store?.close();
  await fake?.close();
  await connector?.close();
  fake = undefined;
  connector = undefined;
  store = undefined;
});

/** A short platform timeout, so the dead process's claim on its effect (five timeouts and 5 s) lapses in 10 s. */
const TIMEOUT = { PLATFORM_TIMEOUT_MS: '1000' };

async function dialoguesIn(url: string) {
  store = await openStore(url, { logger: quietLogger, namespace: 'aiprocure' });
  return new KeyvDialogueRepository(new Records(store));
}

describe('kill -9 between the state write and the post', () => {
  it('Slack: the next process posts the owed question once', async () => {
    fake = await startFakeSlack({ teamId: TEAM });
    const url = sqliteUrl();
    const env = slackChildEnv(fake, { STORE_URL: url, ...TIMEOUT });
    const first = await startChildService(env);
    children.push(first);
    let slack = SlackHarness.attach(fake, first.baseUrl);
    await slack.command('triage Crash triage');
    await fake.waitFor(() => slack.messages().some((m) => m.threadTs), 5000, 'first question');
    const root = slack.rootOf('Crash triage');
    const question = slack.currentQuestion(root.ts)!;
    const held = holdFirst(
      fake,
      (method: string, args: Record<string, unknown>) => method === 'chat.postMessage' && args.thread_ts === root.ts,
      60_000,
      'holdFor',
    );
    await slack.click(question, buttons(question).find((b) => b.payload.o === 'none')!);
    await held;

    // The post of the next question is on its way and the answer is committed, with the post it owes.
    const dialogues = await dialoguesIn(url);
    const id = dialogueIdFor({ channel: root.channel, id: root.ts });
    const committed = await dialogues.get(`slack_${TEAM}`, id);
    expect(committed?.answers.prohibited).toBeDefined();
    // The collapse went out; an update is safe to redo, so its record waits for the post's, which never came.
    expect(committed?.outbox?.map((e) => e.kind)).toEqual(['collapse', 'ask']);
    await first.kill('SIGKILL');

    const second = await startChildService(env);
    children.push(second);
    slack = SlackHarness.attach(fake, second.baseUrl);
    const asked = () => slack.messages().filter((m) => m.threadTs === root.ts && slack.questionIdOf(m) === 'role');
    await fake.waitFor(() => asked().length > 0, 30_000, 'the owed question');
    await waitUntil(
      async () => ((await dialogues.get(`slack_${TEAM}`, id))?.outbox ?? []).length === 0,
      10_000,
      'the outbox empty',
    );
    expect(asked()).toHaveLength(1);
    expect((await dialogues.get(`slack_${TEAM}`, id))?.currentMessage?.id).toBe(asked()[0]!.ts);
  }, 60_000);

  it('Teams: the next process posts the owed question once', async () => {
    connector = await startFakeConnector();
    const url = sqliteUrl();
    const env = { STORE_URL: url, PLAYGROUND: '0', ...TIMEOUT };
    const first = await startChildService(env);
    children.push(first);
    let teams = TeamsHarness.attach(connector, first.baseUrl);
    const rootId = '1790000888000';
    const thread = `${CHANNEL_ID};messageid=${rootId}`;
    await teams.say('triage Crash Teams triage', { rootId });
    await connector.waitFor(() => teams.currentQuestion(thread) !== undefined, 10_000, 'first question');
    const question = teams.currentQuestion(thread)!;
    const root = connector.thread(thread)[0]!;
    const held = holdFirst(
      connector,
      (method: string, conversation: string | undefined) => method === 'reply' && conversation === thread,
      60_000,
      'holdFor',
    );
    const none = cardActions(messageCard(question)).find((a) => a.data.o === 'none')!;
    await teams.click(question, none);
    await held;

    const dialogues = await dialoguesIn(url);
    const id = dialogueIdFor({ channel: root.conversationId, id: root.activityId });
    const tenant = `teams_${TENANT_ID}`;
    const committed = await dialogues.get(tenant, id);
    expect(committed?.answers.prohibited).toBeDefined();
    // The collapse went out; an update is safe to redo, so its record waits for the post's, which never came.
    expect(committed?.outbox?.map((e) => e.kind)).toEqual(['collapse', 'ask']);
    await first.kill('SIGKILL');

    const second = await startChildService(env);
    children.push(second);
    teams = TeamsHarness.attach(connector, second.baseUrl);
    const asked = () => connector!.thread(thread).filter((m) => teams.questionIdOf(m) === 'role');
    await connector.waitFor(() => asked().length > 0, 30_000, 'the owed question');
    await waitUntil(
      async () => ((await dialogues.get(tenant, id))?.outbox ?? []).length === 0,
      10_000,
      'the outbox empty',
    );
    expect(asked()).toHaveLength(1);
  }, 60_000);
});
