/** Runs the triage command line as a user would, in a child process. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/core/triage/types.js';
import { DEFAULT_PACK_TEXT, fixturePath } from './triage-helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'triage-cli-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function triage(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/triage.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, TRIAGE_PACK: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function answersFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

// Each case is a separate process, so they can run side by side.
describe.concurrent('npm run triage', () => {
  it('prints the outcome as JSON by default', async () => {
    const run = await triage(['--answers', fixturePath('benefits-scoring')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const outcome = JSON.parse(run.stdout) as Outcome;
    expect(outcome).toMatchObject({ tier: 'high', score: 34, max: 58, provisional: false, pack: { id: 'default' } });
    expect(outcome.classification.uk.kpiDuty).toBe(true);
  });

  it('prints a Markdown report with --format md', async () => {
    const run = await triage(['--answers', fixturePath('benefits-scoring'), '--format', 'md']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# AI triage: Housing benefit claim risk scoring\n/);
    expect(run.stdout).toContain('**Tier: High** · score 34 of 58 (59 %)');
    expect(run.stdout).toContain('## KPIs');
  });

  it('stops on a prohibited practice, and says which later answers it ignored', async () => {
    const file = answersFile('stop.json', { answers: { prohibited: ['social_scoring'], role: 'decides' } });
    const run = await triage(['--answers', file]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ tier: 'stop', gates: [{ id: 'G0' }] });
    expect(run.stderr).toBe('Ignored answers to questions that do not apply: role\n');
  });

  it('exits 2 and lists every missing question with its prompt', async () => {
    const run = await triage(['--answers', fixturePath('partial-caseworker-summaries')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('  - oversight: How do people check outputs before they take effect');
    expect(run.stderr).toContain('  - contract_value: What is the estimated total contract value');
    expect(run.stderr).toContain('--partial');
  });

  it('counts missing answers as "Don\'t know" with --partial', async () => {
    const run = await triage(['--answers', fixturePath('partial-caseworker-summaries'), '--partial']);
    expect(run.code).toBe(0);
    const outcome = JSON.parse(run.stdout) as Outcome;
    expect(outcome.provisional).toBe(true);
    expect(outcome.unknowns).toContain('lockin');
  });

  it('accepts "dontKnow" and "dont_know" as answers', async () => {
    const benefits = JSON.parse(readFileSync(join(ROOT, fixturePath('benefits-scoring')), 'utf8')) as {
      answers: Record<string, unknown>;
    };
    const file = answersFile('unsure.json', {
      answers: { ...benefits.answers, effect: 'dontKnow', contract_value: 'dont_know' },
    });
    const run = await triage(['--answers', file]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Outcome).unknowns).toEqual(['effect', 'contract_value']);
  });

  it('exits 2 naming unknown question and option ids', async () => {
    const file = answersFile('typos.json', {
      answers: { rol: 'decides', role: 'decide', domains: ['benefits', 'welfare'] },
    });
    const run = await triage(['--answers', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown question id "rol"');
    expect(run.stderr).toContain('"role": unknown option id "decide"');
    expect(run.stderr).toContain('"domains": unknown option id "welfare"');
  });

  it('exits 2 on a malformed answers file or bad arguments', async () => {
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{"answers": ');
    expect((await triage(['--answers', notJson])).code).toBe(2);
    const shape = await triage(['--answers', answersFile('shape.json', { answers: { role: 3 } })]);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain('answers.role: Expected an option id, a list of option ids, text or "dontKnow"');
    const noAnswers = await triage([]);
    expect(noAnswers.code).toBe(2);
    expect(noAnswers.stderr).toContain('Usage: npm run triage');
    expect((await triage(['--answers', fixturePath('benefits-scoring'), '--format', 'pdf'])).code).toBe(2);
  });

  it('uses --pack, or TRIAGE_PACK, instead of the default pack', async () => {
    const other = join(dir, 'other.yaml');
    writeFileSync(other, DEFAULT_PACK_TEXT.replace('id: default', 'id: other_pack'));
    const viaFlag = await triage(['--answers', fixturePath('benefits-scoring'), '--pack', other]);
    expect((JSON.parse(viaFlag.stdout) as Outcome).pack.id).toBe('other_pack');
    const viaEnv = await triage(['--answers', fixturePath('benefits-scoring')], { TRIAGE_PACK: other });
    expect((JSON.parse(viaEnv.stdout) as Outcome).pack.id).toBe('other_pack');
  });

  it('exits 1 with the file and field when the pack is broken', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, DEFAULT_PACK_TEXT.replace('    from: 30', "    from: 'thirty'"));
    const run = await triage(['--answers', fixturePath('benefits-scoring'), '--pack', broken]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('broken.yaml: tiers.high.from: Expected number, received string');
  });
});
