import { afterEach, describe, expect, it } from 'vitest';
import { sqliteUrl } from '../helpers/backends.js';
import { type ChildService, startChildService } from '../helpers/child-service.js';
import { PROCUREMENT, SlackHarness, slackChildEnv, TEAM, textOf } from '../helpers/slack-harness.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { rawAnswers } from '../unit/triage-helpers.js';

const answers = rawAnswers('citizen-faq-chatbot');

let fake: FakeSlack | undefined;
const children: ChildService[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) await child.kill();
  await fake?.close();
});

describe('Slack: a restart mid-dialogue', () => {
  it('continues exactly where it was in a second process on the same SQLite file', async () => {
    fake = await startFakeSlack({ teamId: TEAM });
    const env = slackChildEnv(fake, { STORE_URL: sqliteUrl(), PROCUREMENT_CHANNEL: PROCUREMENT });
    const first = await startChildService(env);
    children.push(first);
    let slack = SlackHarness.attach(fake, first.baseUrl);
    await slack.command('triage Council tax chatbot');
    await fake.waitFor(() => slack.messages().some((m) => m.threadTs));
    const root = slack.rootOf('Council tax chatbot');
    const asked: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = slack.questionIdOf(slack.currentQuestion(root.ts)!)!;
      asked.push(id);
      await slack.answer(root.ts, answers[id]!);
    }
    const waiting = slack.currentQuestion(root.ts)!;
    await first.kill('SIGKILL');

    const second = await startChildService(env);
    children.push(second);
    slack = SlackHarness.attach(fake, second.baseUrl);
    // The question posted before the crash is still the one to answer, with its buttons working.
    expect(slack.currentQuestion(root.ts)!.ts).toBe(waiting.ts);
    for (let i = 0; i < 20; i++) {
      const question = slack.currentQuestion(root.ts);
      if (!question) break;
      const id = slack.questionIdOf(question)!;
      asked.push(id);
      await slack.answer(root.ts, answers[id]!);
    }
    expect(asked).toEqual(Object.keys(answers).filter((id) => id !== 'contestability'));
    const summary = slack.thread(root.ts).find((m) => textOf(m).includes('Triage result'));
    expect(summary && textOf(summary)).toContain('Medium');
    expect(slack.messages().filter((m) => m.channel === PROCUREMENT)).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });
});
