/**
 * The triage engine: which question comes next, and what a set of answers adds up to. Pure functions over a
 * pack and answers, so a stored dialogue can be replayed exactly and every point traced to an answer.
 */
import { BadInputError } from '../errors.js';
import { checkAnswer, DONT_KNOW_LABEL, describeAnswer } from './answers.js';
import { caLevel, classifyAnswers } from './classify.js';
import { type ConditionFacts, matches } from './conditions.js';
import { parseDate } from './dates.js';
import type { Cadence, Condition, Kpi, Pack, Question, ScoredTier } from './pack-schema.js';
import { answerPoints, maxScore, questionMax } from './scoring.js';
import { datedDuty } from './timeline.js';
import {
  type Answers,
  type AppliesFrom,
  type Contribution,
  maxTier,
  type Outcome,
  type Tier,
  type Timeline,
} from './types.js';

export type { AnswerCheck } from './answers.js';
export { DONT_KNOW_LABEL, describeAnswer, optionLabel, validateAnswer } from './answers.js';
export { maxScore } from './scoring.js';

/** Thrown by `evaluate` when applicable questions have no answer and the caller did not ask for a partial result. */
export class IncompleteAnswersError extends BadInputError {
  constructor(readonly missing: string[]) {
    super(`Some questions are not answered yet: ${missing.join(', ')}`);
    this.name = 'IncompleteAnswersError';
  }
}

const DONT_KNOW = { kind: 'dontKnow' } as const;

interface Walk {
  questions: Question[];
  /** Answers of applicable questions only (plus "Don't know" for missing ones when filling). */
  view: Answers;
  missing: string[];
  stopped: boolean;
}

/** Goes through the pack in order, applying skip rules; a STOP trigger ends the walk at once. */
function walk(pack: Pack, answers: Answers, fillUnknown: boolean): Walk {
  const stopTriggers = pack.rules.triggers.filter((t) => t.minTier === 'stop');
  const questions: Question[] = [];
  const view: Answers = {};
  const missing: string[] = [];
  for (const question of pack.questions) {
    if (question.skipWhen && matches(question.skipWhen, { answers: view })) continue;
    questions.push(question);
    const answer = Object.hasOwn(answers, question.id) ? answers[question.id] : undefined;
    if (answer) view[question.id] = answer;
    else {
      missing.push(question.id);
      if (fillUnknown) view[question.id] = DONT_KNOW;
    }
    if (stopTriggers.some((t) => matches(t.when, { answers: view }))) {
      return { questions, view, missing, stopped: true };
    }
  }
  return { questions, view, missing, stopped: false };
}

export function applicableQuestions(pack: Pack, answers: Answers): Question[] {
  return walk(pack, answers, false).questions;
}

export function nextQuestion(pack: Pack, answers: Answers): Question | null {
  const { questions, missing } = walk(pack, answers, false);
  return questions.find((q) => q.id === missing[0]) ?? null;
}

export function missingQuestions(pack: Pack, answers: Answers): string[] {
  return walk(pack, answers, false).missing;
}

function tierFromScore(pack: Pack, score: number): ScoredTier {
  const { medium, high, critical } = pack.tiers;
  if (score >= critical.from) return 'critical';
  if (score >= high.from) return 'high';
  if (score >= medium.from) return 'medium';
  return 'low';
}

/** Sort key for "more frequent": the first interval, then the later one. */
const frequency = (c: Cadence): [number, number] => [c.months, c.thenMonths ?? c.months];
const moreFrequent = (a: Cadence, b: Cadence) => {
  const [a1, a2] = frequency(a);
  const [b1, b2] = frequency(b);
  return a1 < b1 || (a1 === b1 && a2 < b2);
};

/** A KPI's review cadence at a tier: the tier's, or the KPI's own when that is more frequent. */
export function kpiCadence(pack: Pack, kpi: Pick<Kpi, 'cadence'>, tier: ScoredTier): Cadence {
  const tierCadence = pack.cadences.find((c) => c.id === pack.tiers[tier].cadence);
  // The pack loader rejects a tier whose cadence is unknown, so this only trips on a hand-built pack.
  if (!tierCadence) throw new Error(`Tier "${tier}" of pack ${pack.id} has an unknown cadence`);
  const own = pack.cadences.find((c) => c.id === kpi.cadence);
  return own && moreFrequent(own, tierCadence) ? own : tierCadence;
}

/** The answers of applicable questions in normal form; a missing answer (partial mode) is "Don't know". */
function checkedAnswers(walked: Walk): Answers {
  const view: Answers = {};
  for (const question of walked.questions) {
    const given = walked.missing.includes(question.id) ? undefined : walked.view[question.id];
    if (!given && question.optional) continue;
    if (!given) {
      view[question.id] = DONT_KNOW;
      continue;
    }
    const checked = checkAnswer(question, given);
    if (!checked.ok) throw new BadInputError(`Answer to "${question.id}": ${checked.message}`);
    view[question.id] = checked.value;
  }
  return view;
}

function contributions(questions: Question[], view: Answers): Contribution[] {
  return questions
    .filter((q) => q.kind !== 'text' && q.scored)
    .map((q) => {
      const answer = view[q.id] ?? DONT_KNOW;
      return {
        questionId: q.id,
        question: q.prompt,
        answer: describeAnswer(q, answer),
        points: answerPoints(q, answer),
        max: questionMax(q),
      };
    })
    .sort((a, b) => b.points - a.points); // stable: ties keep pack order
}

function kpisFor(pack: Pack, kpis: Kpi[], tier: ScoredTier): Outcome['kpis'] {
  return kpis.map((k) => {
    const cadence = kpiCadence(pack, k, tier);
    const { id, title, measure, target } = k;
    return { id, title, measure, target, cadence: cadence.label, cadenceId: cadence.id };
  });
}

function unknownEvidence(walked: Walk, unknowns: string[]): Outcome['evidence'] {
  return walked.questions
    .filter((q) => unknowns.includes(q.id))
    .map((q) => ({
      id: `DK-${q.id}`,
      text: q.dontKnow.evidence ?? `Find out: ${q.prompt}`,
      reason: walked.missing.includes(q.id)
        ? `Not answered yet (counted as “${DONT_KNOW_LABEL}”): ${q.prompt}`
        : `Answered “${DONT_KNOW_LABEL}”: ${q.prompt}`,
    }));
}

/**
 * Scores a set of answers. Throws `IncompleteAnswersError` when applicable questions are unanswered, unless
 * `partial` is set (then they count as "Don't know"), and `BadInputError` when an answer does not fit its question.
 */
export function evaluate(pack: Pack, answers: Answers, opts: { partial?: boolean; on?: string } = {}): Outcome {
  const partial = opts.partial === true;
  const walked = walk(pack, answers, partial);
  const required = walked.missing.filter((id) => !walked.questions.find((q) => q.id === id)?.optional);
  if (required.length > 0 && !partial) throw new IncompleteAnswersError(required);
  const view = checkedAnswers(walked);

  // An optional question's "Don't know" is a skip: no unknown, no evidence, no uncertainty.
  const unknowns = walked.questions.filter((q) => !q.optional && view[q.id]?.kind === 'dontKnow').map((q) => q.id);
  const why = contributions(walked.questions, view);
  const score = why.reduce((total, c) => total + c.points, 0);
  const max = maxScore(pack);

  const classes = classifyAnswers(pack, view);
  const facts: ConditionFacts = { answers: view, eu: classes.eu.category, uk: classes.uk, us: classes.us };
  const fired: Outcome['triggers'] = pack.rules.triggers
    .filter((t) => matches(t.when, facts))
    .map(({ id, label, minTier }) => ({ id, label, minTier }));
  if (unknowns.length >= pack.uncertainty.atLeast) {
    const { id, label, minTier } = pack.uncertainty;
    fired.push({ id, label, minTier });
  }
  const stop = walked.stopped || fired.some((t) => t.minTier === 'stop');
  const tier: Tier = stop ? 'stop' : fired.reduce<Tier>((t, f) => maxTier(t, f.minTier), tierFromScore(pack, score));

  const { rules } = pack;
  const ca = stop
    ? { level: 'IV' as const, basis: rules.classification.ca.stopBasis }
    : caLevel(pack, score, max, view);
  const us = stop ? { highImpact: false, basis: rules.classification.us.stopBasis } : classes.us;
  // Tier rules treat STOP as the top scored tier; a STOP outcome lists only the stop gates anyway.
  const scoredTier: ScoredTier = tier === 'stop' ? 'critical' : tier;
  const libraryFacts: ConditionFacts = {
    ...facts,
    tier: scoredTier,
    ca: ca.level,
    triggers: new Set(fired.map((t) => t.id)),
  };
  const selected = <T extends { when?: Condition }>(items: T[]) =>
    items.filter((item) => item.when === undefined || matches(item.when, libraryFacts));

  const gates = selected(stop ? rules.stopGates : rules.gates).map(({ id, text, appliesFrom }) => ({
    id,
    text,
    ...(appliesFrom !== undefined && { appliesFrom }),
  }));
  const clauses = stop
    ? []
    : selected(rules.clauses).map(({ id, title, gist, appliesFrom }) => ({
        id,
        title,
        gist,
        ...(appliesFrom !== undefined && { appliesFrom }),
      }));
  const timeline = opts.on === undefined ? undefined : timelineOf(pack, view, opts.on, [...gates, ...clauses]);

  return {
    pack: { id: pack.id, version: pack.version, hash: pack.hash },
    tier,
    score,
    max,
    provisional: unknowns.length > 0,
    unknowns,
    triggers: fired,
    classification: { eu: classes.eu, uk: classes.uk, us, ca },
    gates,
    clauses,
    kpis: stop ? [] : kpisFor(pack, selected(rules.kpis), scoredTier),
    evidence: [
      ...(stop ? [] : selected(rules.evidence).map(({ id, text, reason }) => ({ id, text, reason }))),
      ...unknownEvidence(walked, unknowns),
    ],
    why,
    ...(timeline && { timeline }),
  };
}

/** The go-live date, when the pack asks for one and it was given. */
export function goLiveOf(pack: Pack, answers: Answers): string | undefined {
  const question = pack.questions.find((q) => q.id === pack.goLiveQuestion);
  const answer = question && answers[question.id];
  return answer?.kind === 'text' ? (parseDate(answer.text) ?? undefined) : undefined;
}

/** Dated gates and clauses, and whether each binds on the triage date and at go-live; none for undated packs. */
function timelineOf(
  pack: Pack,
  answers: Answers,
  on: string,
  items: ({ id: string; appliesFrom?: AppliesFrom } & ({ text: string } | { title: string }))[],
): Timeline | undefined {
  const goLive = goLiveOf(pack, answers);
  const duties = items.flatMap((item) =>
    item.appliesFrom === undefined
      ? []
      : [datedDuty(item.id, 'text' in item ? item.text : item.title, item.appliesFrom, on, goLive)],
  );
  if (duties.length === 0) return undefined;
  return { triageDate: on, ...(goLive !== undefined && { goLive }), duties };
}
