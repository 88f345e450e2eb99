/**
 * Properties of the engine over random dialogues: each path is built by asking `nextQuestion` and picking a
 * random valid answer (including "Don't know") until the dialogue ends. An optional question (the go-live date)
 * may also be left out, as a scripted answer set may.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applicableQuestions, evaluate, missingQuestions, nextQuestion } from '../../src/core/triage/engine.js';
import type { Question } from '../../src/core/triage/pack-schema.js';
import { answerPoints } from '../../src/core/triage/scoring.js';
import { type Answers, type AnswerValue, type EuCategory, type Tier, tierRank } from '../../src/core/triage/types.js';

const EU_SEVERITY: EuCategory[] = ['out-of-scope', 'minimal', 'transparency', 'high-risk', 'prohibited'];

import { DK, pack } from './triage-helpers.js';

const AMOUNTS = ['£6.2m', '£4,999,999', '5,000,001 GBP', '€3 million', '$750k', 'CAD 12m', '£120k'];
/** Go-live dates around the pack's dated duties, including a month alone. */
const DATES = ['2026-08-01', '2026-12-01', '2027-04', '2027-12-01', '2027-12-02', '2028-01-15', '2030-06'];
const OPTIONAL = new Set(pack.questions.filter((q) => q.optional).map((q) => q.id));
const PRACTICES = (pack.questions[0]!.kind === 'multi' ? pack.questions[0]!.options : [])
  .filter((o) => !o.exclusive)
  .map((o) => o.id);

/** A valid answer for `question` chosen by `seed`; about one in six is "Don't know". */
function answerFor(question: Question, seed: number): AnswerValue {
  if (seed % 6 === 0) return DK;
  const rest = Math.floor(seed / 6);
  if (question.kind === 'text') {
    const texts = question.parse === 'date' ? DATES : AMOUNTS;
    return { kind: 'text', text: texts[rest % texts.length]! };
  }
  if (question.kind === 'single')
    return { kind: 'option', optionId: question.options[rest % question.options.length]!.id };
  const exclusive = question.options.find((o) => o.exclusive);
  const choices = question.options.filter((o) => !o.exclusive);
  if (exclusive && rest % 4 === 0) return { kind: 'options', optionIds: [exclusive.id] };
  const picked = choices.filter((_, i) => Math.floor(rest / 4) & (1 << i));
  return { kind: 'options', optionIds: (picked.length ? picked : [choices[rest % choices.length]!]).map((o) => o.id) };
}

interface Path {
  answers: Answers;
  steps: number;
  /** Optional questions the path left unanswered. */
  left: string[];
}

/** The next question to answer: the first applicable one with no answer that the path has not left out. */
const nextOpen = (answers: Answers, left: string[]) =>
  applicableQuestions(pack, answers).find((q) => !Object.hasOwn(answers, q.id) && !left.includes(q.id)) ?? null;

/**
 * Answers questions in dialogue order until `nextQuestion` says the dialogue is complete, or only optional
 * questions the path chose to leave out (about one in six of them) remain.
 */
function walkPath(seeds: number[], first?: AnswerValue): Path {
  const answers: Answers = {};
  const left: string[] = [];
  let steps = 0;
  for (let q = nextQuestion(pack, answers); q !== null; q = nextOpen(answers, left)) {
    if (steps > pack.questions.length) throw new Error('the dialogue did not end');
    const seed = seeds[steps % seeds.length]!;
    steps += 1;
    if (q.optional && seed % 6 === 1) left.push(q.id);
    else answers[q.id] = steps === 1 && first ? first : answerFor(q, seed);
  }
  return { answers, steps, left };
}

const seeds = fc.array(fc.nat(), { minLength: pack.questions.length, maxLength: pack.questions.length });
/** Paths that pass the prohibited-practice question ("None of these" or "Don't know"). */
const openPath = fc
  .tuple(seeds, fc.boolean())
  .map(([s, unsure]) => walkPath(s, unsure ? DK : { kind: 'options', optionIds: ['none'] }));
const anyPath = seeds.map((s) => walkPath(s));
const practices = fc.subarray(PRACTICES, { minLength: 1 });

function scoreTier(score: number): Tier {
  const { medium, high, critical } = pack.tiers;
  return score >= critical.from ? 'critical' : score >= high.from ? 'high' : score >= medium.from ? 'medium' : 'low';
}

const RUNS = { numRuns: 200 };

describe('engine properties', () => {
  it('every dialogue ends within as many answers as there are questions, and can be evaluated', () => {
    fc.assert(
      fc.property(anyPath, ({ answers, steps, left }) => {
        expect(steps).toBeLessThanOrEqual(pack.questions.length);
        // Complete, or asking only an optional question the path left out.
        const next = nextQuestion(pack, answers);
        if (next !== null) expect(left).toContain(next.id);
        expect(missingQuestions(pack, answers).every((id) => OPTIONAL.has(id))).toBe(true);
        const outcome = evaluate(pack, answers);
        expect(outcome.why.reduce((sum, c) => sum + c.points, 0)).toBe(outcome.score);
        expect(outcome.score).toBeLessThanOrEqual(outcome.max);
      }),
      RUNS,
    );
  });

  it('STOP always wins: any prohibited practice gives STOP whatever else was answered', () => {
    fc.assert(
      fc.property(openPath, practices, (path, chosen) => {
        const answers = { ...path.answers, prohibited: { kind: 'options', optionIds: chosen } } as const;
        expect(nextQuestion(pack, answers)).toBeNull();
        const outcome = evaluate(pack, answers);
        expect(outcome.tier).toBe('stop');
        expect(outcome.classification.eu.category).toBe('prohibited');
        expect(outcome.kpis).toEqual([]);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(seeds, practices, (s, chosen) => {
        const { answers, steps } = walkPath(s, { kind: 'options', optionIds: chosen });
        expect(steps).toBe(1);
        expect(evaluate(pack, answers).tier).toBe('stop');
      }),
    );
  });

  it('a worse answer never lowers the score', () => {
    fc.assert(
      fc.property(openPath, fc.nat(), ({ answers }, seed) => {
        const before = evaluate(pack, answers).score;
        for (const question of applicableQuestions(pack, answers)) {
          const given = answers[question.id];
          // Only an optional question may be unanswered; answering it, however, must not lower the score either.
          if (!given) expect(OPTIONAL.has(question.id), question.id).toBe(true);
          const current = given ? answerPoints(question, given) : 0;
          const candidates = [DK, answerFor(question, seed + 1), answerFor(question, seed * 7 + 3)];
          if (question.kind === 'single')
            candidates.push(...question.options.map((o) => ({ kind: 'option', optionId: o.id }) as const));
          for (const candidate of candidates) {
            if (candidate.kind !== 'dontKnow' && answerPoints(question, candidate) < current) continue;
            if (candidate.kind !== 'dontKnow' && question.kind === 'multi' && !question.scored) continue; // would STOP
            // Questions a worse answer brings back count as "Don't know" until answered.
            const after = evaluate(pack, { ...answers, [question.id]: candidate }, { partial: true }).score;
            expect(after, `${question.id}: ${JSON.stringify(candidate)}`).toBeGreaterThanOrEqual(before);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a "Don\'t know" never gives a less cautious EU or US class than the answer it replaces', () => {
    const rank = (c: EuCategory) => EU_SEVERITY.indexOf(c);
    fc.assert(
      fc.property(openPath, ({ answers }) => {
        const before = evaluate(pack, answers).classification;
        for (const question of applicableQuestions(pack, answers)) {
          // Questions the "Don't know" brings back (explainability) count as "Don't know" too.
          const after = evaluate(pack, { ...answers, [question.id]: DK }, { partial: true }).classification;
          expect(rank(after.eu.category), question.id).toBeGreaterThanOrEqual(rank(before.eu.category));
          if (before.us.highImpact) expect(after.us.highImpact, question.id).toBe(true);
          if (after.eu.category !== before.eu.category || after.us.highImpact !== before.us.highImpact)
            expect(`${after.eu.basis} ${after.us.basis}`).toContain('Provisional: ');
        }
      }),
      { numRuns: 100 },
    );
  });

  it('the tier is never below the score threshold or any fired trigger', () => {
    fc.assert(
      fc.property(anyPath, ({ answers }) => {
        const outcome = evaluate(pack, answers);
        expect(tierRank(outcome.tier)).toBeGreaterThanOrEqual(tierRank(scoreTier(outcome.score)));
        for (const trigger of outcome.triggers)
          expect(tierRank(outcome.tier)).toBeGreaterThanOrEqual(tierRank(trigger.minTier));
      }),
      RUNS,
    );
  });

  it('a result is provisional exactly when some answer is "Don\'t know"', () => {
    fc.assert(
      fc.property(anyPath, ({ answers }) => {
        const outcome = evaluate(pack, answers);
        const dontKnow = Object.entries(answers)
          .filter(([, a]) => a.kind === 'dontKnow')
          .map(([id]) => id);
        // "Don't know" on an optional question (the go-live date) is no unknown and asks for no evidence.
        const unsure = dontKnow.filter((id) => !OPTIONAL.has(id));
        expect(outcome.provisional).toBe(unsure.length > 0);
        expect(outcome.unknowns.sort()).toEqual(unsure.sort());
        const evidence = outcome.evidence.map((e) => e.id);
        for (const id of unsure) expect(evidence).toContain(`DK-${id}`);
        for (const id of dontKnow.filter((id) => OPTIONAL.has(id))) expect(evidence).not.toContain(`DK-${id}`);
      }),
      RUNS,
    );
  });

  it('a half-finished dialogue never scores below the finished one, because missing answers count as the worst', () => {
    fc.assert(
      fc.property(openPath, fc.nat(), ({ answers }, cut) => {
        const ids = Object.keys(answers);
        const prefix = Object.fromEntries(ids.slice(0, cut % (ids.length + 1)).map((id) => [id, answers[id]!]));
        expect(evaluate(pack, prefix, { partial: true }).score).toBeGreaterThanOrEqual(evaluate(pack, answers).score);
      }),
      RUNS,
    );
  });

  it('a UK contract over £5m always gets at least 3 KPIs', () => {
    fc.assert(
      fc.property(openPath, ({ answers }) => {
        const outcome = evaluate(pack, answers);
        if (outcome.classification.uk.kpiDuty) expect(outcome.kpis.length).toBeGreaterThanOrEqual(3);
      }),
      RUNS,
    );
  });
});
