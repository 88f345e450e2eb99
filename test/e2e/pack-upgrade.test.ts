/**
 * Upgrading the default pack while a triage is under way: a triage started on 2026.11 finishes on 2026.11 after
 * the service restarts on 2026.12, and exports exactly the report 2026.11 gives, never the new questions or dates.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { answersFromFile } from '../../src/core/triage/answers-file.js';
import { evaluate } from '../../src/core/triage/engine.js';
import { loadPack } from '../../src/core/triage/pack-loader.js';
import { renderMarkdownReport } from '../../src/core/triage/report-markdown.js';
import { DEFAULT_PACK } from '../../src/service.js';
import { sqliteUrl, testNamespace } from '../helpers/backends.js';
import { buttons, SlackHarness, textOf } from '../helpers/slack-harness.js';
import { rawAnswers } from '../unit/triage-helpers.js';

const ARCHIVED = fileURLToPath(new URL('../../prompts/triage/archive/default-2026.11.yaml', import.meta.url));
// The 2026.11 questions have no go-live date.
const { go_live: _unused, ...answers } = rawAnswers('benefits-scoring');

const BEFORE = JSON.parse(
  readFileSync(new URL('../fixtures/compat/default-2026.11.json', import.meta.url), 'utf8'),
) as { cases: Record<string, { report: string }> };

const harnesses: SlackHarness[] = [];
afterEach(async () => {
  const all = harnesses.splice(0);
  // They share one fake Slack: the first closes it, last.
  for (const h of all.reverse()) await h.close(h === all.at(-1));
});

/** A report's body from its triggers to its answer table: what the pack decided, without who answered when. */
const decided = (report: string) => report.slice(report.indexOf('## Triggers'), report.indexOf('## Answers'));

describe('a pack upgrade mid-triage', () => {
  it('finishes a 2026.11 triage on 2026.11 after a restart on 2026.12, and exports its 2026.11 report', async () => {
    // One store, as across a redeploy.
    const store = { storeUrl: sqliteUrl(), namespace: testNamespace() };
    const before = await SlackHarness.start({ ...store, env: { triagePack: ARCHIVED } });
    harnesses.push(before);
    await before.command('triage Upgrade check');
    await before.fake.waitFor(() => before.messages().some((m) => m.threadTs), 5000, 'first question');
    const root = before.rootOf('Upgrade check');
    const asked: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = before.questionIdOf(before.currentQuestion(root.ts)!)!;
      asked.push(id);
      await before.answer(root.ts, answers[id]!);
    }
    await before.service?.close();

    const after = await SlackHarness.start({ ...store, fake: before.fake });
    harnesses.push(after);
    // New triages start on 2026.12; this one keeps the pack it started with.
    await after.command('triage Started after the upgrade');
    await after.fake.waitFor(() => after.messages().some((m) => textOf(m).includes('Started after the upgrade')));
    expect(textOf(after.rootOf('Started after the upgrade'))).toContain('question pack default 2026.12');
    expect(textOf(after.rootOf('Upgrade check'))).toContain('question pack default 2026.11');
    for (let i = 0; i < 20; i++) {
      const question = after.currentQuestion(root.ts);
      if (!question) break;
      const id = after.questionIdOf(question)!;
      asked.push(id);
      await after.answer(root.ts, answers[id]!);
    }
    // Its own questions, in its own order: no go-live question, no new biometric options.
    expect(asked).toEqual(Object.keys(answers));

    const old = await loadPack(ARCHIVED);
    const parsed = answersFromFile(old, { answers });
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const outcome = evaluate(old, parsed.answers);
    const summary = after.thread(root.ts).find((m) => textOf(m).includes('Triage result'))!;
    expect(textOf(summary)).toContain(`score ${outcome.score} of ${outcome.max}`);

    await after.click(summary, buttons(summary).find((b) => b.actionId.startsWith('triage_export'))!);
    await after.fake.waitFor((calls) => calls.some((c) => c.method === 'files.completeUploadExternal'));
    const report = after.fake.files.at(-1)?.content ?? '';
    expect(report).toContain(`version 2026.11, sha256 \`${old.hash}\``);
    // Byte for byte what 2026.11 exported before 2026.12 existed (recorded then in test/fixtures/compat).
    expect(decided(report)).toBe(decided(BEFORE.cases['benefits-scoring']!.report));
    expect(decided(report)).toBe(decided(renderMarkdownReport(old, parsed.answers, outcome)));
    expect(report).not.toContain('When the duties apply');
    expect(old.hash).not.toBe((await loadPack(DEFAULT_PACK)).hash);
  });
});
