/**
 * The regulatory class per jurisdiction, worked out from the answers by the pack's classification rules.
 *
 * "Don't know" is never reassuring. As in scoring, where it counts as the worst answer, an EU or US class (or a UK duty) that
 * hangs on answers still "Don't know" is the worst those answers could still lead to (a rule that could match
 * is taken to match), and its basis starts "Provisional:" naming those questions, the rules that could apply and
 * what the answers given establish. Triggers, gates and clauses follow that class until the answers come in.
 * One exception: a prohibited practice (Art. 5) is only ever concluded from an answer, as STOP is, so one that
 * cannot be ruled out is said in the basis rather than made the category (the pack's own trigger raises the tier).
 * Questions that cannot change the class (role = none makes the Annex III domains moot) are not mentioned.
 */
import { type ConditionFacts, matches } from './conditions.js';
import type { Condition, Pack } from './pack-schema.js';
import { type Answers, type AppliesFrom, type CaLevel, type EuCategory, type Outcome, selectedIds } from './types.js';

type Classification = Outcome['classification'];

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** The `eu` or `us` references of the options selected for the cited question. */
function cited(pack: Pack, answers: Answers, questionId: string | undefined, field: 'eu' | 'us'): string[] {
  const question = pack.questions.find((q) => q.id === questionId);
  const answer = questionId === undefined ? undefined : answers[questionId];
  if (!question || question.kind === 'text' || !answer) return [];
  const ids = selectedIds(answer);
  return question.options.filter((o) => ids.includes(o.id) && o[field]).map((o) => o[field]!);
}

/** A rule's basis followed by the references of the options selected for its cited question (no full stop). */
function basisOf(pack: Pack, answers: Answers, rule: { basis: string; cite?: string }, field: 'eu' | 'us'): string {
  const cites = cited(pack, answers, rule.cite, field);
  return cites.length ? `${rule.basis} (${cites.join('; ')})` : rule.basis;
}

/** Settled (true or false) by the answers, or else the "Don't know" questions the outcome hangs on. */
type Settled = boolean | Set<string>;

function hangingOn(parts: Settled[]): Set<string> {
  const ids = new Set<string>();
  for (const part of parts) if (typeof part !== 'boolean') for (const id of part) ids.add(id);
  return ids;
}

/** Three-valued matching: a "Don't know" answer could be any option (or amount), so a test of it is open. */
function settle(condition: Condition, answers: Answers): Settled {
  if ('all' in condition) {
    const parts = condition.all.map((c) => settle(c, answers));
    if (parts.includes(false)) return false;
    const ids = hangingOn(parts);
    return ids.size ? ids : true;
  }
  if ('any' in condition) {
    const parts = condition.any.map((c) => settle(c, answers));
    if (parts.includes(true)) return true;
    const ids = hangingOn(parts);
    return ids.size ? ids : false;
  }
  if ('not' in condition) {
    const part = settle(condition.not, answers);
    return typeof part === 'boolean' ? !part : part;
  }
  if ('in' in condition && answers[condition.q]?.kind === 'dontKnow') return new Set([condition.q]);
  if ('money' in condition && answers[condition.money.q]?.kind === 'dontKnow') return new Set([condition.money.q]);
  return matches(condition, { answers });
}

type Rule = Pack['rules']['classification']['us']['rules'][number];

interface OpenRule<R extends Rule> {
  rule: R;
  /** The "Don't know" questions it hangs on. */
  on: Set<string>;
}

/** Rules that could still match. `firstOnly`: none after the first that surely matches (that one would win). */
function openRules<R extends Rule>(rules: R[], answers: Answers, firstOnly: boolean): OpenRule<R>[] {
  const open: OpenRule<R>[] = [];
  for (const rule of rules) {
    const settled = settle(rule.when, answers);
    if (settled === true && firstOnly) break;
    if (typeof settled !== 'boolean') open.push({ rule, on: settled });
  }
  return open;
}

/**
 * The basis of a class that hangs on "Don't know" answers: "Provisional: depends on …", what it is treated as and
 * the rules that make it so (`raising`), and rules not yet ruled out though not concluded (`notRuledOut`).
 */
function provisional(
  pack: Pack,
  answers: Answers,
  field: 'eu' | 'us',
  treatedAs: string,
  raising: OpenRule<Rule>[],
  notRuledOut: OpenRule<Rule>[] = [],
): string[] {
  const on = new Set([...raising, ...notRuledOut].flatMap((o) => [...o.on]));
  const ids = pack.questions.filter((q) => on.has(q.id)).map((q) => q.id);
  const bases = (open: OpenRule<Rule>[]) => [...new Set(open.map((o) => basisOf(pack, answers, o.rule, field)))];
  const parts = [sentence(`Provisional: depends on answers still “Don't know” (${ids.join(', ')})`)];
  const could = bases(raising);
  if (could.length) {
    const these = could.length === 1 ? 'this could apply' : 'these could apply';
    parts.push(sentence(`Treated as ${treatedAs} until they are answered, as ${these}: ${could.join('; ')}`));
  }
  if (notRuledOut.length) parts.push(sentence(`Not yet ruled out: ${bases(notRuledOut).join('; ')}`));
  return parts;
}

const SEVERITY: EuCategory[] = ['out-of-scope', 'minimal', 'transparency', 'high-risk', 'prohibited'];
const EU_TREATED_AS: Record<EuCategory, string> = {
  prohibited: 'prohibited',
  'high-risk': 'high-risk',
  transparency: 'subject to transparency duties',
  minimal: 'minimal risk',
  'out-of-scope': 'outside the Act',
};

/** `appliesFrom` of the rule that set a class, only where the pack dates it (older packs' outcomes stay as they were). */
const dated = (rule: { appliesFrom?: AppliesFrom } | undefined) =>
  rule?.appliesFrom === undefined ? {} : { appliesFrom: rule.appliesFrom };

function euClass(pack: Pack, answers: Answers): Classification['eu'] {
  const rules = pack.rules.classification.eu;
  const facts: ConditionFacts = { answers };
  const matched = rules.rules.filter((rule) => matches(rule.when, facts));
  const answered = matched[0]?.category ?? 'minimal';
  const found = matched.length
    ? matched.filter((r) => r.category === answered).map((r) => sentence(basisOf(pack, answers, r, 'eu')))
    : [sentence(rules.otherwise)];
  const notes = rules.notes.filter((note) => matches(note.when, facts)).map((note) => sentence(note.text));

  // The worst category rules that could still match lead to, short of prohibited (see the top of the file).
  const rank = (c: EuCategory) => SEVERITY.indexOf(c);
  const open = openRules(rules.rules, answers, true);
  const raising = open.filter((o) => o.rule.category !== 'prohibited' && rank(o.rule.category) > rank(answered));
  const category = raising.reduce((w, o) => (rank(o.rule.category) > rank(w) ? o.rule.category : w), answered);
  const worst = raising.filter((o) => o.rule.category === category);
  const prohibited = answered === 'prohibited' ? [] : open.filter((o) => o.rule.category === 'prohibited');
  // A milder rule ahead of the one that matched (not an AI system, before Annex III) could still win once answered:
  // the class stays the more cautious one, and says what it hangs on.
  const first = matched[0] ? rules.rules.indexOf(matched[0]) : 0;
  const milder = openRules(rules.rules.slice(0, first), answers, false).filter(
    (o) => rank(o.rule.category) < rank(category),
  );
  const notRuledOut = [...prohibited, ...milder];
  const setBy = worst[0]?.rule ?? matched[0];
  if (!worst.length && !notRuledOut.length) return { category, basis: [...found, ...notes].join(' '), ...dated(setBy) };

  const head = provisional(pack, answers, 'eu', EU_TREATED_AS[category], worst, notRuledOut);
  // Raised: the head comes first, and the pack's "nothing identified" (`otherwise`) would only reassure.
  const parts = worst.length
    ? [...head, ...(matched.length ? [`As answered: ${found.join(' ')}`] : [])]
    : [...found, ...head];
  return { category, basis: [...parts, ...notes].join(' '), ...dated(setBy) };
}

function usClass(pack: Pack, answers: Answers): Classification['us'] {
  const rules = pack.rules.classification.us;
  const matched = rules.rules.filter((rule) => matches(rule.when, { answers }));
  if (matched.length) {
    return {
      highImpact: true,
      basis: [...new Set(matched.map((r) => sentence(basisOf(pack, answers, r, 'us'))))].join(' '),
      ...dated(matched[0]),
    };
  }
  const open = openRules(rules.rules, answers, false);
  if (open.length) {
    return {
      highImpact: true,
      provisional: true,
      basis: provisional(pack, answers, 'us', 'high-impact', open).join(' '),
      ...dated(open[0]?.rule),
    };
  }
  return { highImpact: false, basis: sentence(rules.otherwise) };
}

/** EU, UK and US classes depend only on the answers, so triggers may use them. */
export function classifyAnswers(pack: Pack, answers: Answers): Omit<Classification, 'ca'> {
  return { eu: euClass(pack, answers), uk: ukDuties(pack, answers), us: usClass(pack, answers) };
}

/** UK duties, like the EU and US classes: one that "Don't know" answers could still bring is expected, provisionally. */
function ukDuties(pack: Pack, answers: Answers): Classification['uk'] {
  const rules = pack.rules.classification.uk;
  const atrs = settle(rules.atrs.when, answers);
  const kpi = settle(rules.kpiDuty.when, answers);
  const atrsExpected = atrs !== false;
  const kpiDuty = kpi !== false;
  const note = (settled: Settled) =>
    typeof settled === 'boolean'
      ? []
      : [`Provisional: depends on answers still “Don't know” (${[...settled].join(', ')}).`];
  const duties = [
    ...(atrsExpected ? [rules.atrs.duty, ...note(atrs)] : []),
    ...(kpiDuty ? [...rules.kpiDuty.duties, ...note(kpi)] : []),
  ];
  return {
    atrsExpected,
    kpiDuty,
    duties,
    ...(typeof atrs !== 'boolean' && { atrsProvisional: true }),
    ...(typeof kpi !== 'boolean' && { kpiDutyProvisional: true }),
    ...(atrsExpected && rules.atrs.appliesFrom !== undefined && { atrsAppliesFrom: rules.atrs.appliesFrom }),
    ...(kpiDuty && rules.kpiDuty.appliesFrom !== undefined && { kpiDutyAppliesFrom: rules.kpiDuty.appliesFrom }),
  };
}

const LEVELS: CaLevel[] = ['I', 'II', 'III', 'IV'];

/**
 * The AIA's mitigation deduction, where the pack models it: the `mitigation` credit of the answers to the named
 * questions against their maximum. A question the dialogue skipped (nothing to explain or contest) counts for
 * neither; "Don't know" earns nothing, as an AIA answer left blank does.
 */
function mitigation(
  pack: Pack,
  answers: Answers,
  rules: NonNullable<Pack['rules']['classification']['ca']['mitigation']>,
) {
  let points = 0;
  let max = 0;
  for (const id of rules.questions) {
    const question = pack.questions.find((q) => q.id === id);
    const answer = answers[id];
    if (!question || question.kind === 'text' || answer === undefined) continue;
    max += Math.max(0, ...question.options.map((o) => o.mitigation ?? 0));
    const ids = selectedIds(answer);
    points += Math.max(0, ...question.options.filter((o) => ids.includes(o.id)).map((o) => o.mitigation ?? 0));
  }
  return { points, max, applied: max > 0 && points >= rules.atLeast * max };
}

const percentOf = (part: number, whole: number) => (whole === 0 ? 0 : (part / whole) * 100);

/** Canada: an AIA-style level from the score's share of the maximum, less any mitigation deduction, raised by floors. */
export function caLevel(pack: Pack, score: number, max: number, answers: Answers): Classification['ca'] {
  const rules = pack.rules.classification.ca;
  const parts = [sentence(`${rules.basis}: ${score} of ${max} points (${Math.round(percentOf(score, max))} %)`)];
  let final = score;
  let mitigated: Classification['ca']['mitigation'];
  if (rules.mitigation) {
    const m = mitigation(pack, answers, rules.mitigation);
    if (m.applied) final = Math.round(score * (1 - rules.mitigation.deduct));
    mitigated = { ...m, score: final };
    const share = `${Math.round(percentOf(m.points, m.max))} %`;
    parts.push(
      sentence(
        m.applied
          ? `Mitigation ${m.points} of ${m.max} (${share}), at least ${Math.round(rules.mitigation.atLeast * 100)} %: ${Math.round(rules.mitigation.deduct * 100)} % off, ${final} points (${Math.round(percentOf(final, max))} %)`
          : `Mitigation ${m.points} of ${m.max} (${share}), under ${Math.round(rules.mitigation.atLeast * 100)} %: no deduction`,
      ),
      sentence(rules.mitigation.note),
    );
  }
  const percent = percentOf(final, max);
  let level = LEVELS[rules.bands.filter((band) => percent > band).length]!;
  for (const floor of rules.floors) {
    if (matches(floor.when, { answers }) && LEVELS.indexOf(level) < LEVELS.indexOf(floor.atLeast)) {
      level = floor.atLeast;
      parts.push(sentence(floor.note));
    }
  }
  if (rules.standsFor) {
    parts.push(sentence(`Stands in for the AIA's ${rules.standsFor.modelled.join(', ')}`));
    if (rules.standsFor.notModelled.length)
      parts.push(sentence(`Not modelled: ${rules.standsFor.notModelled.join(', ')}`));
  }
  return {
    level,
    basis: parts.join(' '),
    ...(rules.appliesFrom !== undefined && { appliesFrom: rules.appliesFrom }),
    ...(mitigated && { mitigation: mitigated }),
  };
}
