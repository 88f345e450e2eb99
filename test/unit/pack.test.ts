import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadPack, PackError, parsePack } from '../../src/core/triage/pack-loader.js';
import { maxScore } from '../../src/core/triage/scoring.js';
import { DEFAULT_PACK_TEXT, pack } from './triage-helpers.js';

const SOURCE = 'prompts/triage/x.yaml';

type Path = (string | number)[];

/** Sets (or, with `undefined`, deletes) the value at `path` in a plain YAML document. */
function setAt(doc: unknown, path: Path, value: unknown): void {
  let node = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** Parses a copy of the default pack with the given fields changed, and returns the error message. */
function brokenPackError(...edits: [Path, unknown][]): string {
  const doc: unknown = parse(DEFAULT_PACK_TEXT);
  for (const [path, value] of edits) setAt(doc, path, value);
  try {
    parsePack(stringify(doc), SOURCE);
  } catch (error) {
    expect(error).toBeInstanceOf(PackError);
    return (error as PackError).message;
  }
  throw new Error('the broken pack was accepted');
}

describe('the default pack', () => {
  it('loads from disk with its id, version and the sha256 of its text', async () => {
    const loaded = await loadPack('prompts/triage/default.yaml');
    expect(loaded.id).toBe('default');
    expect(loaded.version).toMatch(/^\d{4}\.\d{2}(\.\d+)?$/);
    expect(loaded.hash).toBe(createHash('sha256').update(DEFAULT_PACK_TEXT).digest('hex'));
  });

  it('is short: 12 to 16 questions (15 required and the optional go-live) with stable snake_case ids', () => {
    expect(pack.questions.length).toBeGreaterThanOrEqual(12);
    expect(pack.questions.length).toBeLessThanOrEqual(16);
    expect(pack.questions.filter((q) => !q.optional)).toHaveLength(15);
    expect(pack.questions.filter((q) => q.optional).map((q) => q.id)).toEqual(['go_live']);
    expect(pack.questions.map((q) => q.id)).toEqual([
      'prohibited',
      'role',
      'domains',
      'effect',
      'affected',
      'scale',
      'oversight',
      'data',
      'supplier_data',
      'technique',
      'explainability',
      'exposure',
      'contestability',
      'lockin',
      'go_live',
      'contract_value',
    ]);
  });

  it('offers "Don\'t know" on every question, with an evidence item on every required one', () => {
    for (const q of pack.questions) {
      expect(q.dontKnow.allowed, q.id).toBe(true);
      // An optional question's "Don't know" is no unknown, so it asks for no evidence.
      if (!q.optional) expect(q.dontKnow.evidence, q.id).toBeTruthy();
    }
  });

  it('fits chat buttons: labels of at most 40 characters and at most 10 checkboxes', () => {
    for (const q of pack.questions) {
      if (q.kind === 'text') continue;
      for (const o of q.options) expect(o.label.length, `${q.id}.${o.id}`).toBeLessThanOrEqual(40);
      if (q.kind === 'multi') expect(q.options.filter((o) => !o.exclusive).length).toBeLessThanOrEqual(10);
    }
  });

  it('puts the tier thresholds at about 25, 50 and 75 % of the maximum score', () => {
    const max = maxScore(pack);
    expect(max).toBe(58);
    expect(pack.tiers.medium.from / max).toBeCloseTo(0.25, 1);
    expect(pack.tiers.high.from / max).toBeCloseTo(0.5, 1);
    expect(pack.tiers.critical.from / max).toBeCloseTo(0.75, 1);
  });

  it('hashes the same text with CRLF and LF line endings alike, and a changed text differently', () => {
    const crlf = parsePack(DEFAULT_PACK_TEXT.replace(/\n/g, '\r\n'), SOURCE);
    expect(crlf.hash).toBe(pack.hash);
    const edited = parsePack(DEFAULT_PACK_TEXT.replace('title: AI purchase risk triage', 'title: Other'), SOURCE);
    expect(edited.hash).not.toBe(pack.hash);
  });
});

describe('a broken pack', () => {
  it('names the file and the field when a value has the wrong type', () => {
    const message = brokenPackError([['questions', 3, 'options', 1, 'points'], 'two']);
    expect(message).toContain(`${SOURCE}: questions[3].options[1].points: Expected number, received string`);
  });

  it('names a rule that refers to an unknown question', () => {
    const message = brokenPackError([['rules', 'triggers', 2, 'when'], { q: 'rol', in: ['decides'] }]);
    expect(message).toContain(`${SOURCE}: rules.triggers[2].when: unknown question "rol"`);
  });

  it('names a rule that refers to an unknown option', () => {
    const message = brokenPackError([['rules', 'gates', 0, 'when'], { any: [{ q: 'role', in: ['decide'] }] }]);
    expect(message).toContain('rules.gates[0].when.any[0]: unknown option "decide" for question "role"');
  });

  it('rejects duplicate question ids', () => {
    const message = brokenPackError([['questions', 5, 'id'], 'role']);
    expect(message).toContain('questions[5].id: duplicate question id "role"');
  });

  it('rejects thresholds that do not ascend', () => {
    const message = brokenPackError([['tiers', 'high', 'from'], 10]);
    expect(message).toContain('tiers.high.from: must be greater than tiers.medium.from (15)');
  });

  it('rejects a text that names a clause the library does not have', () => {
    const message = brokenPackError([['rules', 'gates', 2, 'text'], 'Include clauses C1 and C99.']);
    expect(message).toContain('rules.gates[2].text: refers to C99, which is not in rules.clauses');
  });

  it('rejects a skip rule that looks at a later question', () => {
    const message = brokenPackError([['questions', 1, 'skipWhen'], { q: 'technique', in: ['rules'] }]);
    expect(message).toContain('questions[1].skipWhen: a skip rule may only look at earlier questions, not "technique"');
  });

  it('rejects a tier condition inside a trigger, where the tier is not known yet', () => {
    const message = brokenPackError([['rules', 'triggers', 1, 'when'], { tier: { atLeast: 'high' } }]);
    expect(message).toContain('rules.triggers[1].when: "tier" conditions cannot be used in a trigger');
  });

  it('rejects a condition that mixes two kinds', () => {
    const message = brokenPackError([['rules', 'clauses', 2, 'when'], { tier: { atLeast: 'high' }, eu: 'high-risk' }]);
    expect(message).toContain('rules.clauses[2].when: A condition needs exactly one of');
  });

  it('rejects a scored option without points', () => {
    const message = brokenPackError([['questions', 1, 'options', 0, 'points'], undefined]);
    expect(message).toContain('questions[1].options[0].points: Required on a scored question');
  });

  it('rejects a required question whose "Don\'t know" has no evidence item, and an optional choice question', () => {
    const noEvidence = brokenPackError([['questions', 1, 'dontKnow', 'evidence'], undefined]);
    expect(noEvidence).toContain('questions[1].dontKnow.evidence: Required when "Don\'t know" is allowed');
    const optionalChoice = brokenPackError([['questions', 1, 'optional'], true]);
    expect(optionalChoice).toContain('questions[1].optional: only a text question can be optional');
  });

  it('rejects a go-live question that is not a date question', () => {
    const message = brokenPackError([['goLiveQuestion'], 'contract_value']);
    expect(message).toContain('goLiveQuestion: "contract_value" is not a date question (kind: text, parse: date)');
  });

  it('rejects a label too long for a button', () => {
    const message = brokenPackError([
      ['questions', 1, 'options', 1, 'label'],
      'A label that is far too long to fit on any button',
    ]);
    expect(message).toContain('questions[1].options[1].label: String must contain at most 40 character(s)');
  });

  it('rejects an unknown field, so a typo cannot be silently ignored', () => {
    const message = brokenPackError([['questions', 0, 'promt'], 'typo']);
    expect(message).toContain("questions[0]: Unrecognized key(s) in object: 'promt'");
  });

  it('rejects a KPI with an unknown cadence', () => {
    const message = brokenPackError([['rules', 'kpis', 0, 'cadence'], 'weekly']);
    expect(message).toContain('rules.kpis[0].cadence: unknown cadence "weekly"');
  });

  it('reports YAML syntax errors with the file name', () => {
    expect(() => parsePack('id: [unclosed', SOURCE)).toThrow(new RegExp(`^${SOURCE.replace(/\./g, '\\.')}: YAML`));
  });

  it('reports a file that cannot be read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pack-'));
    await expect(loadPack(join(dir, 'missing.yaml'))).rejects.toThrow(/missing\.yaml: cannot read the file \(ENOENT\)/);
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'id: Bad Id\n');
    await expect(loadPack(file)).rejects.toThrow(/bad\.yaml: id: Expected a snake_case id/);
  });
});
