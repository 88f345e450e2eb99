/**
 * Pack 2026.11 after 2026.12: still loadable, the same hash, and for every example answer file the same outcome and
 * the same Markdown report as the code gave before 2026.12 existed (recorded then in test/fixtures/compat).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answersFromFile } from '../../src/core/triage/answers-file.js';
import { evaluate } from '../../src/core/triage/engine.js';
import { loadPack } from '../../src/core/triage/pack-loader.js';
import { renderMarkdownReport } from '../../src/core/triage/report-markdown.js';

const BEFORE = JSON.parse(
  readFileSync(new URL('../fixtures/compat/default-2026.11.json', import.meta.url), 'utf8'),
) as {
  pack: string;
  cases: Record<string, { answers: Record<string, string | string[]>; outcome: unknown; report: string }>;
};

describe('pack 2026.11 under the 2026.12 code', async () => {
  const old = await loadPack('prompts/triage/archive/default-2026.11.yaml');

  it('loads with the hash its stored triages name', () => {
    expect(old.version).toBe('2026.11');
    expect(old.hash).toBe(BEFORE.pack);
  });

  for (const [name, before] of Object.entries(BEFORE.cases)) {
    it(`gives ${name} the outcome and the report it gave before`, () => {
      const parsed = answersFromFile(old, { answers: before.answers });
      if (!parsed.ok) throw new Error(parsed.problems.join('; '));
      // A triage date changes nothing for a pack that dates no duty.
      const outcome = evaluate(old, parsed.answers, { partial: true, on: '2026-12-01' });
      expect(outcome).toEqual(before.outcome);
      const title = JSON.parse(readFileSync(`test/fixtures/answers/${name}.json`, 'utf8')).title as string;
      const meta = { title, startedBy: 'Alice', startedAt: '2026-11-20T10:00:00.000Z' };
      expect(renderMarkdownReport(old, parsed.answers, outcome, meta)).toBe(before.report);
    });
  }
});
