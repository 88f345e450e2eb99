/** The regulatory class per jurisdiction, worked out from the answers by the pack's classification rules. */
import { type ConditionFacts, matches } from './conditions.js';
import type { Pack } from './pack-schema.js';
import type { Answers, CaLevel, Outcome } from './types.js';

type Classification = Outcome['classification'];

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** The `eu` or `us` references of the options selected for the cited question. */
function cited(pack: Pack, answers: Answers, questionId: string | undefined, field: 'eu' | 'us'): string[] {
  const question = pack.questions.find((q) => q.id === questionId);
  const answer = questionId === undefined ? undefined : answers[questionId];
  if (!question || question.kind === 'text' || !answer) return [];
  const ids = answer.kind === 'option' ? [answer.optionId] : answer.kind === 'options' ? answer.optionIds : [];
  return question.options.filter((o) => ids.includes(o.id) && o[field]).map((o) => o[field]!);
}

function withCites(basis: string, cites: string[]): string {
  return sentence(cites.length ? `${basis} (${cites.join('; ')})` : basis);
}

/** EU, UK and US classes depend only on the answers, so triggers may use them. */
export function classifyAnswers(pack: Pack, answers: Answers): Omit<Classification, 'ca'> {
  const rules = pack.rules.classification;
  const facts: ConditionFacts = { answers };

  const euMatched = rules.eu.rules.filter((rule) => matches(rule.when, facts));
  const category = euMatched[0]?.category ?? 'minimal';
  const euParts = euMatched.length
    ? euMatched
        .filter((r) => r.category === category)
        .map((r) => withCites(r.basis, cited(pack, answers, r.cite, 'eu')))
    : [sentence(rules.eu.otherwise)];
  for (const note of rules.eu.notes) if (matches(note.when, facts)) euParts.push(sentence(note.text));

  const atrsExpected = matches(rules.uk.atrs.when, facts);
  const kpiDuty = matches(rules.uk.kpiDuty.when, facts);
  const duties = [...(atrsExpected ? [rules.uk.atrs.duty] : []), ...(kpiDuty ? rules.uk.kpiDuty.duties : [])];

  const usMatched = rules.us.rules.filter((rule) => matches(rule.when, facts));
  const usParts = usMatched.map((r) => withCites(r.basis, cited(pack, answers, r.cite, 'us')));

  return {
    eu: { category, basis: euParts.join(' ') },
    uk: { atrsExpected, kpiDuty, duties },
    us: usMatched.length
      ? { highImpact: true, basis: [...new Set(usParts)].join(' ') }
      : { highImpact: false, basis: sentence(rules.us.otherwise) },
  };
}

const LEVELS: CaLevel[] = ['I', 'II', 'III', 'IV'];

/** Canada: an AIA-style level from the score's share of the maximum, raised by the pack's floors. */
export function caLevel(pack: Pack, score: number, max: number, answers: Answers): Classification['ca'] {
  const rules = pack.rules.classification.ca;
  const percent = max === 0 ? 0 : (score / max) * 100;
  let level = LEVELS[rules.bands.filter((band) => percent > band).length]!;
  const parts = [sentence(`${rules.basis}: ${score} of ${max} points (${Math.round(percent)} %)`)];
  for (const floor of rules.floors) {
    if (matches(floor.when, { answers }) && LEVELS.indexOf(level) < LEVELS.indexOf(floor.atLeast)) {
      level = floor.atLeast;
      parts.push(sentence(floor.note));
    }
  }
  return { level, basis: parts.join(' ') };
}
