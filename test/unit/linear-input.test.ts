/**
 * Hostile text costs time in proportion to its length, never more: one crafted value must not stall the process.
 * The old money regex was quadratic ("£" + 60,000 spaces + "x" took 3.6 s) and the Teams stripper ran `/<[^>]+>/`
 * on a run of "<" before any length check. Each function here is timed on adversarial shapes at two sizes and the
 * growth asserted; the capped entry points must also answer a 1 MB input at once, because they cap first.
 *
 * Measurement: warm up on the small input (JIT), then the fastest of 7 runs per size, each run a batch of calls long
 * enough (~1 ms, ~20 ms for the tokenizer) for the timer to resolve; the small time is floored at FLOOR_MS. Before
 * the runs at a larger size, the first run is checked against a generous budget from the smaller size (and, for
 * the capped entry points, against CAPPED_MS from the first call), so a quadratic regression fails in seconds
 * instead of blocking the worker for hours: a synchronous regex cannot be interrupted by a test timeout.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSlackCommand } from '../../src/channels/slack/command-parser.js';
import { MESSAGE_TEXT_MAX, parseTeamsCommand } from '../../src/channels/teams/command-parser.js';
import { COMMAND_TEXT_MAX, parseCommand } from '../../src/core/commands.js';
import { MONEY_TEXT_MAX, parseMoney, scanAmounts } from '../../src/core/triage/money.js';

const KB10 = 10_000;
const KB100 = 100_000;
const MB1 = 1_000_000;
/** Timer resolution and call overhead: a smaller time would blow a ratio up for nothing. */
const FLOOR_MS = 0.05;
/**
 * 100× the input, linear: about 100× (up to ~200× where the megabyte leaves the cache while the other core is busy, as
 * in the full suite); quadratic: about 10,000×. The bound sits far below quadratic, with room for the cache.
 */
const GROWTH_100X = 400;
/** 10× the input, linear: about 10× (up to ~20× where the working set leaves the cache); quadratic: about 100×. */
const GROWTH_10X = 30;
/** A capped entry point refuses or cuts a 1 MB text before reading it. */
const CAPPED_MS = 50;

/** The adversarial shapes: each makes a backtracking or rescanning pattern do the most work per character. */
const SHAPES: Record<string, (n: number) => string> = {
  '"£" + spaces + "x"': (n) => `£${' '.repeat(n - 2)}x`,
  'a run of "<"': (n) => fill('<', n),
  '"<at>" without closing': (n) => fill('<at>', n),
  '"1 " repeated': (n) => fill('1 ', n),
  '"1," repeated': (n) => fill('1,', n),
  '"a1" repeated': (n) => fill('a1', n),
  '"£-" repeated': (n) => fill('£-', n),
  'a long digit run': (n) => fill('1234567890', n),
  '"<@U123|" repeated': (n) => fill('<@U123|', n),
  '"<#C123|" repeated': (n) => fill('<#C123|', n),
};

/**
 * Aimed at the Slack and Teams link and mention patterns: to the money tokenizer they are runs of one-character
 * "other" tokens and short words, as "<" and "a1" are, so its uncapped megabyte runs (a second or two per shape) skip
 * them to keep this file near 15 s; they still go through it capped, in parseMoney below.
 */
const MARKUP_ONLY = ['"<at>" without closing', '"<@U123|" repeated', '"<#C123|" repeated'];

/** Shapes aimed at the Teams stripper's own patterns (`<at>…</at>`, tags, `&nbsp;`). */
const TEAMS_SHAPES: Record<string, (n: number) => string> = {
  ...SHAPES,
  '"<at>" + text, never closed': (n) => `<at>${'x'.repeat(n - 4)}`,
  '"<at>x</at>" repeated': (n) => fill('<at>x</at>', n),
  '"<a" repeated': (n) => fill('<a', n),
  '"&nbsp;" repeated': (n) => fill('&nbsp;', n),
};

/** `unit` repeated to exactly `n` characters, as one flat string (not a rope V8 would flatten inside a timed call). */
function fill(unit: string, n: number): string {
  return flat(unit.repeat(Math.ceil(n / unit.length)).slice(0, n));
}

function flat(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** Wraps a shape in a command's words, keeping the total at `n` characters, so the deeper patterns read it. */
function within(prefix: string, suffix = ''): (shape: (n: number) => string) => (n: number) => string {
  return (shape) => (n) => flat(prefix + shape(n - prefix.length - suffix.length) + suffix);
}

/** Milliseconds per call of `fn(input)`, over a batch of `reps` calls. */
function run(fn: (input: string) => unknown, input: string, reps: number): number {
  const started = performance.now();
  // Each call runs regexes and allocates: V8 does not drop it as dead code.
  for (let i = 0; i < reps; i++) fn(input);
  return (performance.now() - started) / reps;
}

/**
 * The fastest run: what the code costs when nothing else gets in its way. On a shared 2-core machine another test
 * file's load lands on some runs and not others, and a median of short runs at 10 kB moves with it; the fastest run
 * at each size does not, so the ratio measures the code.
 */
const fastest = (xs: number[]) => Math.min(...xs);

/** How many calls make a run of about `runMs`, from one call's time. */
const repsFor = (oneCallMs: number, runMs: number) =>
  Math.min(1000, Math.max(1, Math.ceil(runMs / Math.max(oneCallMs, 0.0005))));

/**
 * The fastest time per call at each size, smallest first. Warms up on the smallest; at each larger size the first
 * run must stay within `stepBudget` × (size step) × the previous time (floored), or the measurement stops there.
 * Each run is a batch of calls lasting about `runMs`: longer runs at the small size share the machine's load with
 * the long runs at the large size (another test file may be running on the other core). With `maxCallMs`, the first
 * call at each size (before any warm-up) must also take less than that: a capped function that stopped capping fails
 * there, at 10 kB, rather than hanging on the megabyte.
 */
function timesAt(
  fn: (input: string) => unknown,
  make: (n: number) => string,
  sizes: number[],
  { runMs = 1, stepBudget = 5, maxCallMs = Infinity }: { runMs?: number; stepBudget?: number; maxCallMs?: number } = {},
) {
  const out: number[] = [];
  let previous: number | undefined;
  for (const [i, size] of sizes.entries()) {
    const input = make(size);
    expect(input.length).toBe(size);
    let first = run(fn, input, 1);
    if (first > maxCallMs) {
      throw new Error(`one call at ${size} characters took ${first.toFixed(1)} ms, over ${maxCallMs} ms`);
    }
    if (i === 0) {
      for (let w = 0; w < 20; w++) run(fn, input, 1);
      first = run(fn, input, 1);
    } else {
      // A quadratic call at these sizes takes seconds: under 50 ms is never the failure this guards against (a
      // garbage collection or the other core's load can make one tiny call that slow).
      const budget = Math.max(Math.max(previous!, FLOOR_MS) * (size / sizes[i - 1]!) * stepBudget, 50);
      // A quadratic call is slow every time; a call slowed by a collection or the other core is not: ask twice.
      if (first > budget) first = Math.min(first, run(fn, input, 1));
      if (first > budget) {
        throw new Error(
          `one call at ${size} characters took ${first.toFixed(1)} ms, over ${budget.toFixed(1)} ms ` +
            `(${stepBudget}× linear from ${sizes[i - 1]}): not linear`,
        );
      }
    }
    const reps = repsFor(first, runMs);
    // A single slow call is a run of its own: the checked first run counts as one of the seven.
    const runs = reps === 1 && i > 0 ? [first] : [];
    while (runs.length < 7) runs.push(run(fn, input, reps));
    previous = fastest(runs);
    out.push(previous);
  }
  return out;
}

const ratio = (large: number, small: number) => large / Math.max(small, FLOOR_MS);

/** Figures for the report, printed once at the end of each describe. */
function report(title: string, rows: string[]) {
  console.info(`${title}\n${rows.join('\n')}`);
}

describe('scanAmounts (the money tokenizer, uncapped): time grows linearly with the text', () => {
  const rows: string[] = [];
  // Warm the tokenizer once on a megabyte, so that whichever shape runs first does not pay for the JIT.
  beforeAll(() => {
    scanAmounts(fill('1,', MB1));
  });
  for (const [name, shape] of Object.entries(SHAPES).filter(([name]) => !MARKUP_ONLY.includes(name))) {
    it(name, () => {
      // At 100 kB the old regex would already have failed the step check (in ~10 s) instead of hanging at 1 MB.
      const [small, mid, large] = timesAt(scanAmounts, shape, [KB10, KB100, MB1], { runMs: 20 });
      rows.push(
        `  ${name}: 10 kB ${small!.toFixed(3)} ms, 100 kB ${mid!.toFixed(2)} ms, 1 MB ${large!.toFixed(1)} ms; ` +
          `1 MB ÷ 10 kB ${ratio(large!, small!).toFixed(0)}, 1 MB ÷ 100 kB ${ratio(large!, mid!).toFixed(1)}`,
      );
      expect(ratio(large!, small!), '1 MB ÷ 10 kB').toBeLessThanOrEqual(GROWTH_100X);
      expect(ratio(large!, mid!), '1 MB ÷ 100 kB').toBeLessThanOrEqual(GROWTH_10X);
      if (name.startsWith('"£" + spaces')) {
        // The input of the health check: the old regex took 3.6 s on 60,000 spaces; this is under 1 ms at 1 MB.
        expect(large!).toBeLessThan(CAPPED_MS);
      }
    });
  }
  it('figures', () => report('scanAmounts', rows));
});

/** The capped entry points: a 1 MB input is cut or refused first, so it costs what a short one does. */
const CAPPED: Array<[string, (input: string) => unknown]> = [
  ['parseMoney', parseMoney],
  ['parseCommand', parseCommand],
  ['parseSlackCommand', parseSlackCommand],
  ['parseTeamsCommand', (text) => parseTeamsCommand(text, ['<at>Bob Smith</at>'])],
];

describe('the capped entry points answer a 1 MB input at once', () => {
  const rows: string[] = [];
  for (const [fnName, fn] of CAPPED) {
    for (const [name, shape] of Object.entries(SHAPES)) {
      it(`${fnName}: ${name}`, () => {
        const [small, large] = timesAt(fn, shape, [KB10, MB1], { maxCallMs: CAPPED_MS });
        rows.push(`  ${fnName} ${name}: 10 kB ${small!.toFixed(4)} ms, 1 MB ${large!.toFixed(4)} ms`);
        expect(ratio(large!, small!), '1 MB ÷ 10 kB').toBeLessThanOrEqual(GROWTH_100X);
        expect(large!, 'ms for 1 MB').toBeLessThan(CAPPED_MS);
      });
    }
  }
  it('figures', () => report('capped entry points', rows));

  it('says why: commands are refused as too long, and only the start of a money text is read', () => {
    const huge = fill('<', MB1);
    expect(parseCommand(huge)).toEqual({
      kind: 'usage',
      problem: `That command is ${MB1} characters long; commands are at most ${COMMAND_TEXT_MAX}.`,
    });
    expect(parseSlackCommand(huge)).toMatchObject({ kind: 'usage', problem: expect.stringContaining('at most') });
    expect(parseTeamsCommand(huge)).toEqual({
      kind: 'usage',
      problem: `That message is ${MB1} characters long: too long for a command.`,
    });
    expect(parseTeamsCommand(fill('<at>', 400_000))).toMatchObject({ kind: 'usage' });
    expect(parseMoney(`£${' '.repeat(60_000)}x`)).toBeNull();
    // The amount at the start still reads; the megabyte after MONEY_TEXT_MAX is never looked at.
    expect(parseMoney(`£6.2m ${fill('1,', MB1)}`)).toEqual({ amount: 6_200_000, currency: 'GBP' });
    expect(parseMoney(`${' '.repeat(MONEY_TEXT_MAX)}£6.2m`)).toBeNull();
  });
});

/**
 * Under their caps the patterns do read the text, so they are measured there. A 1 MB Teams message is refused by the
 * MESSAGE_TEXT_MAX check before any regex (above), so the `<at>…</at>` and tag stripping is timed on a text just
 * under MESSAGE_TEXT_MAX against one 10× smaller; the shared and Slack parsers likewise just under COMMAND_TEXT_MAX,
 * with the shape placed where their deeper patterns (channel and user links, roles, time zones) read it.
 */
describe('under the caps, the command patterns are linear too', () => {
  const rows: string[] = [];
  const cases: Array<[string, (input: string) => unknown, Record<string, (n: number) => string>, number]> = [];
  for (const [name, shape] of Object.entries(TEAMS_SHAPES)) {
    cases.push([
      `parseTeamsCommand ${name}`,
      (t) => parseTeamsCommand(t, ['<at>Bob Smith</at>']),
      { [name]: shape },
      MESSAGE_TEXT_MAX,
    ]);
    cases.push([
      `parseTeamsCommand roles add ${name} admin`,
      (t) => parseTeamsCommand(t, ['<at>Bob Smith</at>']),
      { [name]: within('roles add <at>Bob Smith</at> ', ' admin')(shape) },
      MESSAGE_TEXT_MAX,
    ]);
  }
  for (const [name, shape] of Object.entries(SHAPES)) {
    for (const [words, make] of [
      ['', shape],
      ['triage ', within('triage ')(shape)],
      ['config timezone ', within('config timezone ')(shape)],
      ['roles add … admin', within('roles add ', ' admin')(shape)],
    ] as const) {
      cases.push([`parseCommand ${words}${name}`, parseCommand, { [name]: make }, COMMAND_TEXT_MAX]);
    }
    for (const [words, make] of [
      ['', shape],
      ['config channel ', within('config channel ')(shape)],
      ['roles add … admin', within('roles add ', ' admin')(shape)],
    ] as const) {
      cases.push([`parseSlackCommand ${words}${name}`, parseSlackCommand, { [name]: make }, COMMAND_TEXT_MAX]);
    }
  }
  for (const [title, fn, shapes, max] of cases) {
    const [make] = Object.values(shapes);
    it(title, () => {
      const [small, large] = timesAt(fn, make!, [max / 10, max]);
      rows.push(`  ${title}: ${max / 10} ch ${small!.toFixed(4)} ms, ${max} ch ${large!.toFixed(4)} ms`);
      // Both sizes take microseconds: the per-call times come from batches of calls, not floored.
      expect(large! / small!, `${max} ÷ ${max / 10} characters`).toBeLessThanOrEqual(GROWTH_10X);
    });
  }
  it('figures', () => report('under the caps', rows));
});
