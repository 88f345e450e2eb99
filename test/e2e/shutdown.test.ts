/**
 * SIGTERM, as an orchestrator sends it, to the real service started as `npm start` starts it: the work in hand
 * finishes, the process exits 0, and a restart carries on with nothing lost and nothing repeated. The signal is
 * honoured even while start-up is still catching up on owed digests.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { quietLogger, sqliteUrl } from '../helpers/backends.js';
import { type ChildService, startChildService } from '../helpers/child-service.js';
import { seedDigestChannels } from '../helpers/digest-seed.js';
import { buttons, PROCUREMENT, SlackHarness, slackChildEnv, TEAM } from '../helpers/slack-harness.js';
import { type FakeSlack, type FakeSlackCall, startFakeSlack } from '../support/fake-slack.js';
import { holdFirst } from '../support/hold.js';
import { waitUntil } from '../support/wait.js';
import { rawAnswers } from '../unit/triage-helpers.js';

const ANSWERS = rawAnswers('benefits-scoring');
const firstOption = (id: string) => [ANSWERS[id]].flat()[0];

let fake: FakeSlack | undefined;
const children: ChildService[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) await child.kill('SIGKILL');
  await fake?.close();
  fake = undefined;
});

async function start(env: Record<string, string>): Promise<ChildService> {
  const child = await startChildService(env);
  children.push(child);
  return child;
}

/** Sends SIGTERM and resolves with how the process ended. */
async function terminate(child: ChildService): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const exited = once(child.process, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.process.kill('SIGTERM');
  const [code, signal] = await exited;
  return { code, signal };
}

const isDigest = (call: FakeSlackCall) =>
  call.method === 'chat.postMessage' &&
  call.status === 200 &&
  (call.args.metadata as { event_type?: string } | undefined)?.event_type === 'aiprocure_digest';

describe('SIGTERM', () => {
  it('mid-dialogue: the next question goes out once, the process exits 0, and a restart carries on', async () => {
    fake = await startFakeSlack({ teamId: TEAM });
    const env = slackChildEnv(fake, { STORE_URL: sqliteUrl(), PROCUREMENT_CHANNEL: PROCUREMENT });
    const first = await start(env);
    let slack = SlackHarness.attach(fake, first.baseUrl);
    await slack.command('triage Signalled triage');
    await fake.waitFor(() => slack.messages().some((m) => m.threadTs), 5000, 'first question');
    const root = slack.rootOf('Signalled triage');
    const question = slack.currentQuestion(root.ts)!;
    const firstId = slack.questionIdOf(question)!;

    const posting = holdFirst(fake, (method, args) => method === 'chat.postMessage' && args.thread_ts === root.ts);
    const button = buttons(question).find((b) => b.payload.o === firstOption(firstId))!;
    expect((await slack.click(question, button)).status).toBe(200);
    await posting;
    expect(await terminate(first)).toEqual({ code: 0, signal: null });
    expect(first.output.join('')).toContain('shut down cleanly');

    const next = slack.currentQuestion(root.ts)!;
    const nextId = slack.questionIdOf(next)!;
    expect(nextId).not.toBe(firstId);
    const questionPosts = () =>
      fake!.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === root.ts && c.status === 200);
    expect(questionPosts()).toHaveLength(2);

    // The answer was kept and the question it led to works in the next process.
    const second = await start(env);
    slack = SlackHarness.attach(fake, second.baseUrl);
    await slack.answer(root.ts, ANSWERS[nextId]!);
    expect(questionPosts()).toHaveLength(3);
    expect(slack.questionIdOf(slack.currentQuestion(root.ts)!)).not.toBe(nextId);
  });

  it('during start-up, mid-digest: the digest goes out once, the process exits 0, and the restart owes nothing', async () => {
    fake = await startFakeSlack({ teamId: 'T0000' });
    const storeUrl = sqliteUrl();
    const store = await openStore(storeUrl, { logger: quietLogger });
    const seeded = await seedDigestChannels(store, {
      tenants: 1,
      channels: 1,
      contractsPerChannel: 1,
      kpisPerContract: 1,
    });
    await store.close();
    const channel = seeded.channels[0]!.channel;
    const env = slackChildEnv(fake, { STORE_URL: storeUrl, SCHEDULER: 'embedded' });

    const posting = holdFirst(fake, (method, args) => method === 'chat.postMessage' && args.channel === channel);
    const first = await start(env);
    await posting;
    // Start-up is still catching up: the scheduler has not reported that it started.
    expect(first.output.join('')).not.toContain('reminder scheduler started');
    expect(await terminate(first)).toEqual({ code: 0, signal: null });
    expect(fake.calls.filter(isDigest)).toHaveLength(1);

    // The next process finds the digest sent: its own catch-up (done once it says it started) posts nothing.
    const second = await start(env);
    await waitUntil(() => second.output.join('').includes('reminder scheduler started'), 15_000, 'the catch-up');
    expect(fake.calls.filter(isDigest)).toHaveLength(1);
    expect(fake.calls.filter(isDigest)[0]!.args.channel).toBe(channel);
  });
});
