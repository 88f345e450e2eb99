/**
 * Scripted triage: `npm run triage -- --answers answers.json [--pack FILE] [--format json|md] [--partial]`.
 * Exit codes: 0 done; 1 the pack is broken; 2 bad arguments or answers (missing, unknown ids, bad values).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { answersFromFile } from '../core/triage/answers-file.js';
import { parseDate } from '../core/triage/dates.js';
import { applicableQuestions, evaluate, missingQuestions } from '../core/triage/engine.js';
import { loadPack, PackError } from '../core/triage/pack-loader.js';
import { renderMarkdownReport } from '../core/triage/report-markdown.js';

const USAGE =
  'Usage: npm run triage -- --answers answers.json [--pack FILE] [--format json|md] [--partial] [--on YYYY-MM-DD]';

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    return fail(2, `${(error as Error).message}\n${USAGE}`);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // An empty TRIAGE_PACK counts as unset, as shells and .env files often leave it.
  const packPath =
    args.pack || process.env.TRIAGE_PACK || new URL('../../prompts/triage/default.yaml', import.meta.url);
  const pack = await loadPack(packPath);

  let data: unknown;
  try {
    data = JSON.parse(await readFile(args.answers, 'utf8'));
  } catch (error) {
    return fail(2, `Cannot read answers from ${args.answers}: ${(error as Error).message}`);
  }
  const file = answersFromFile(pack, data);
  if (!file.ok) return fail(2, `${args.answers} has problems:\n${file.problems.map((p) => `  - ${p}`).join('\n')}`);

  const asked = new Set(applicableQuestions(pack, file.answers).map((q) => q.id));
  const ignored = Object.keys(file.answers).filter((id) => !asked.has(id));
  if (ignored.length > 0)
    process.stderr.write(`Ignored answers to questions that do not apply: ${ignored.join(', ')}\n`);

  // An optional question (the go-live date) may be left out of a file.
  const missing = missingQuestions(pack, file.answers).filter(
    (id) => !pack.questions.find((q) => q.id === id)?.optional,
  );
  if (missing.length > 0 && !args.partial) {
    const list = missing.map((id) => `  - ${id}: ${pack.questions.find((q) => q.id === id)?.prompt}`).join('\n');
    return fail(2, `${args.answers} does not answer:\n${list}\nAnswer them (or use "dontKnow"), or pass --partial.`);
  }

  // What binds "today" is as of --on, or the day it runs.
  const outcome = evaluate(pack, file.answers, { partial: args.partial, on: args.on });
  const output =
    args.format === 'md'
      ? renderMarkdownReport(pack, file.answers, outcome, file.title === undefined ? {} : { title: file.title })
      : `${JSON.stringify(outcome, null, 2)}\n`;
  process.stdout.write(output);
  return 0;
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      answers: { type: 'string' },
      pack: { type: 'string' },
      format: { type: 'string', default: 'json' },
      partial: { type: 'boolean', default: false },
      on: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { ...values, answers: '', format: 'json' as const, help: true };
  if (!values.answers) throw new UsageError('Missing --answers FILE.');
  if (values.format !== 'json' && values.format !== 'md') throw new UsageError(`Unknown --format "${values.format}".`);
  const on = values.on === undefined ? new Date().toISOString().slice(0, 10) : parseDate(values.on);
  if (on === null || (values.on !== undefined && values.on.length !== 10)) {
    throw new UsageError(`--on expects a date written YYYY-MM-DD, not "${values.on}".`);
  }
  return { ...values, answers: values.answers, format: values.format as 'json' | 'md', on, help: false };
}

function fail(code: number, message: string): number {
  process.stderr.write(`${message}\n`);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = 1;
    process.stderr.write(`${error instanceof PackError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  },
);
