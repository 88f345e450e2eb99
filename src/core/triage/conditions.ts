/**
 * Evaluates pack conditions. Answers given here are only those of questions that apply, so a skipped
 * question matches nothing. Tier and classification facts exist only once the engine has worked them out;
 * the loader makes sure a rule never asks for one too early.
 */
import { parseMoney } from './money.js';
import { type Condition, SCORED_TIERS, type ScoredTier } from './pack-schema.js';
import type { Answers, CaLevel, EuCategory } from './types.js';

export interface ConditionFacts {
  answers: Answers;
  tier?: ScoredTier;
  eu?: EuCategory;
  uk?: { atrsExpected: boolean; kpiDuty: boolean };
  us?: { highImpact: boolean };
  ca?: CaLevel;
  triggers?: ReadonlySet<string>;
}

const CA_ORDER: CaLevel[] = ['I', 'II', 'III', 'IV'];

function need<T>(fact: T | undefined, name: string): T {
  if (fact === undefined) throw new Error(`Condition needs the ${name}, which is not known at this point`);
  return fact;
}

export function matches(condition: Condition, facts: ConditionFacts): boolean {
  if ('all' in condition) return condition.all.every((c) => matches(c, facts));
  if ('any' in condition) return condition.any.some((c) => matches(c, facts));
  if ('not' in condition) return !matches(condition.not, facts);
  if ('q' in condition) {
    const answer = facts.answers[condition.q];
    if ('unknown' in condition) return answer?.kind === 'dontKnow';
    if ('answered' in condition) return answer !== undefined;
    if (answer?.kind === 'option') return condition.in.includes(answer.optionId);
    if (answer?.kind === 'options') return answer.optionIds.some((id) => condition.in.includes(id));
    return false;
  }
  if ('money' in condition) {
    const answer = facts.answers[condition.money.q];
    if (answer?.kind !== 'text') return false;
    const money = parseMoney(answer.text);
    return money !== null && money.currency === condition.money.currency && money.amount > condition.money.over;
  }
  if ('tier' in condition) {
    const tier = need(facts.tier, 'tier');
    return SCORED_TIERS.indexOf(tier) >= SCORED_TIERS.indexOf(condition.tier.atLeast);
  }
  if ('eu' in condition) return need(facts.eu, 'EU classification') === condition.eu;
  if ('uk' in condition) {
    const uk = need(facts.uk, 'UK classification');
    return condition.uk === 'atrs' ? uk.atrsExpected : uk.kpiDuty;
  }
  if ('us' in condition) return need(facts.us, 'US classification').highImpact;
  if ('ca' in condition)
    return CA_ORDER.indexOf(need(facts.ca, 'Canada level')) >= CA_ORDER.indexOf(condition.ca.atLeast);
  return need(facts.triggers, 'fired triggers').has(condition.trigger);
}

/** Every sub-condition, depth first; the loader uses it to check references and where each kind may appear. */
export function* walkCondition(
  condition: Condition,
  path: (string | number)[] = [],
): Generator<[Condition, (string | number)[]]> {
  yield [condition, path];
  if ('all' in condition) for (const [i, c] of condition.all.entries()) yield* walkCondition(c, [...path, 'all', i]);
  if ('any' in condition) for (const [i, c] of condition.any.entries()) yield* walkCondition(c, [...path, 'any', i]);
  if ('not' in condition) yield* walkCondition(condition.not, [...path, 'not']);
}
