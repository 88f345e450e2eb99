import { afterEach, describe, expect, it } from 'vitest';
import { answersFromFile } from '../../src/core/triage/answers-file.js';
import { evaluate } from '../../src/core/triage/engine.js';
import { loadPack } from '../../src/core/triage/pack-loader.js';
import { DEFAULT_PACK } from '../../src/service.js';
import { buttons, CHANNEL, PROCUREMENT, SlackHarness, textOf } from '../helpers/slack-harness.js';
import { rawAnswers } from '../unit/triage-helpers.js';

let harness: SlackHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('Slack: a whole triage', () => {
  it('runs from the slash command to the summary in the thread and in the procurement channel', async () => {
    harness = await SlackHarness.start({ procurementChannel: PROCUREMENT });
    const answers = rawAnswers('benefits-scoring');
    const ack = await harness.command('triage Housing benefit claim risk scoring');
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(1000);
    await harness.fake.waitForCalls('chat.postMessage', 2);
    const root = harness.rootOf('Housing benefit claim risk scoring');
    expect(root.channel).toBe(CHANNEL);

    const asked: string[] = [];
    for (let i = 0; i < 20; i++) {
      const question = harness.currentQuestion(root.ts);
      if (!question) break;
      const id = harness.questionIdOf(question);
      expect(id).toBeDefined();
      asked.push(id!);
      await harness.answer(root.ts, answers[id!]!, i % 2 ? 'UBEN' : 'UANA');
    }
    expect(asked).toEqual(Object.keys(answers));

    const thread = harness.thread(root.ts);
    // Every answered question collapsed to its answer and who gave it.
    const collapsed = thread.filter((m) => textOf(m).includes('answered by'));
    expect(collapsed).toHaveLength(asked.length);
    expect(textOf(collapsed[1]!)).toContain('<@UBEN>');

    const pack = await loadPack(DEFAULT_PACK);
    const parsed = answersFromFile(pack, { answers });
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const expected = evaluate(pack, parsed.answers);
    const summary = thread.find((m) => textOf(m).includes('Triage result'));
    expect(summary, 'summary in the thread').toBeDefined();
    expect(textOf(summary!)).toContain(`score ${expected.score} of ${expected.max}`);
    expect(textOf(harness.rootOf('Housing benefit claim risk scoring'))).toContain('Result: *High*');

    const posted = harness.messages().filter((m) => m.channel === PROCUREMENT);
    expect(posted).toHaveLength(1);
    expect(textOf(posted[0]!)).toContain('https://fake.slack.test/archives/');
    expect(textOf(posted[0]!)).toContain('Housing benefit claim risk scoring');
    expect(harness.fake.violations).toEqual([]);

    // Export gives the Markdown report in the thread.
    const exportButton = buttons(summary!).find((b) => b.actionId.startsWith('triage_export'));
    await harness.click(summary!, exportButton!);
    await harness.fake.waitFor((calls) => calls.some((c) => c.method === 'files.completeUploadExternal'));
    const file = harness.fake.files.at(-1)!;
    expect(file.thread_ts).toBe(root.ts);
    expect(file.content).toContain('Housing benefit claim risk scoring');
    expect(file.content).toMatch(/High/);
  });
});
