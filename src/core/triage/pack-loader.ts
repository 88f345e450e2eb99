/**
 * Loads a question pack: YAML → zod → cross-references. A pack is data that domain experts edit, so every
 * problem is reported with the file and the field path, and a broken pack never reaches a live dialogue.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { walkCondition } from './conditions.js';
import { type Condition, type Pack, type PackFile, PackFileSchema, SCORED_TIERS } from './pack-schema.js';
import { maxScore } from './scoring.js';

export class PackError extends Error {
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(issues.map((issue) => `${source}: ${issue}`).join('\n'));
    this.name = 'PackError';
  }
}

/** The default pack shipped with the bot. */
export const DEFAULT_PACK_URL = new URL('../../../prompts/triage/default.yaml', import.meta.url);

export function packHash(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n?/g, '\n')).digest('hex');
}

export async function loadPack(path: string | URL): Promise<Pack> {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  const shown = relative(process.cwd(), file);
  const source = shown.startsWith('..') || isAbsolute(shown) ? file : shown;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new PackError(source, [`cannot read the file (${code})`]);
  }
  return parsePack(text, source);
}

export function parsePack(yamlText: string, source: string): Pack {
  const doc = parseDocument(yamlText, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new PackError(
      source,
      doc.errors.map((e) => `YAML: ${e.message}`),
    );
  }
  const parsed = PackFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    throw new PackError(source, issues);
  }
  const issues = crossCheck(parsed.data);
  if (issues.length > 0) throw new PackError(source, issues);
  return { ...parsed.data, hash: packHash(yamlText) };
}

export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

/** Where a condition appears decides which facts exist when it is evaluated. */
type Phase = 'skip' | 'stop' | 'trigger' | 'classification' | 'library';
const ALLOWED: Record<Phase, readonly string[]> = {
  skip: ['q'],
  stop: ['q'],
  trigger: ['q', 'money', 'eu', 'uk', 'us'],
  classification: ['q', 'money'],
  library: ['q', 'money', 'tier', 'eu', 'uk', 'us', 'ca', 'trigger'],
};
const PHASE_NAMES: Record<Phase, string> = {
  skip: 'a skip rule',
  stop: 'a STOP trigger',
  trigger: 'a trigger',
  classification: 'a classification rule',
  library: 'a library rule',
};

function kindOf(condition: Condition): string {
  for (const key of ['all', 'any', 'not', 'q', 'money', 'tier', 'eu', 'uk', 'us', 'ca', 'trigger']) {
    if (key in condition) return key;
  }
  return 'unknown';
}

function crossCheck(pack: PackFile): string[] {
  const issues: string[] = [];
  const at = (path: (string | number)[], message: string) => issues.push(`${formatPath(path)}: ${message}`);
  const questionIndex = new Map(pack.questions.map((q, i) => [q.id, i]));
  const triggerIds = new Set([...pack.rules.triggers.map((t) => t.id), pack.uncertainty.id]);

  const unique = (ids: string[], path: (string | number)[], what: string) => {
    const seen = new Set<string>();
    for (const [i, id] of ids.entries()) {
      if (seen.has(id)) at([...path, i, 'id'], `duplicate ${what} id "${id}"`);
      seen.add(id);
    }
  };
  unique(
    pack.questions.map((q) => q.id),
    ['questions'],
    'question',
  );
  unique([...pack.rules.triggers.map((t) => t.id), pack.uncertainty.id], ['rules', 'triggers'], 'trigger');
  unique(
    [...pack.rules.gates, ...pack.rules.stopGates].map((g) => g.id),
    ['rules', 'gates'],
    'gate',
  );
  unique(
    pack.rules.clauses.map((c) => c.id),
    ['rules', 'clauses'],
    'clause',
  );
  unique(
    pack.rules.kpis.map((k) => k.id),
    ['rules', 'kpis'],
    'KPI',
  );
  unique(
    pack.rules.evidence.map((e) => e.id),
    ['rules', 'evidence'],
    'evidence',
  );
  unique(
    pack.cadences.map((c) => c.id),
    ['cadences'],
    'cadence',
  );
  const cadenceNames = new Set(pack.cadences.map((c) => c.id));
  for (const [tier, id] of Object.entries(pack.jointReviews ?? {})) {
    if (!cadenceNames.has(id)) at(['jointReviews', tier], `unknown cadence "${id}"`);
  }
  const clauseIds = new Set(pack.rules.clauses.map((c) => c.id));
  for (const [i, e] of pack.rules.evidence.entries()) {
    for (const [j, c] of (e.supports ?? []).entries()) {
      if (!clauseIds.has(c)) at(['rules', 'evidence', i, 'supports', j], `unknown clause "${c}"`);
    }
  }

  const checkCondition = (condition: Condition, path: (string | number)[], phase: Phase, questionAt?: number) => {
    for (const [c, sub] of walkCondition(condition)) {
      const where = [...path, ...sub];
      const kind = kindOf(c);
      if (!['all', 'any', 'not'].includes(kind) && !ALLOWED[phase].includes(kind)) {
        at(where, `"${kind}" conditions cannot be used in ${PHASE_NAMES[phase]}`);
        continue;
      }
      if ('q' in c) {
        const index = questionIndex.get(c.q);
        const question = index === undefined ? undefined : pack.questions[index];
        if (index === undefined || !question) {
          at(where, `unknown question "${c.q}"`);
          continue;
        }
        if (questionAt !== undefined && index >= questionAt) {
          at(where, `a skip rule may only look at earlier questions, not "${c.q}"`);
        }
        if ('in' in c) {
          if (question.kind === 'text') {
            at(where, `question "${c.q}" is free text and has no options`);
            continue;
          }
          for (const id of c.in) {
            if (!question.options.some((o) => o.id === id)) at(where, `unknown option "${id}" for question "${c.q}"`);
          }
        }
      }
      if ('money' in c) {
        const question = pack.questions.find((q) => q.id === c.money.q);
        if (!question) at(where, `unknown question "${c.money.q}"`);
        else if (question.kind !== 'text' || question.parse !== 'money') {
          at(where, `question "${c.money.q}" is not a money question (kind: text, parse: money)`);
        }
      }
      if ('trigger' in c && !triggerIds.has(c.trigger)) at(where, `unknown trigger "${c.trigger}"`);
    }
  };

  for (const [i, q] of pack.questions.entries()) {
    const path = ['questions', i];
    if (q.skipWhen) checkCondition(q.skipWhen, [...path, 'skipWhen'], 'skip', i);
    if (q.dontKnow.allowed && !q.optional && q.dontKnow.evidence === undefined) {
      at([...path, 'dontKnow', 'evidence'], 'Required when "Don\'t know" is allowed');
    }
    if (q.optional && q.kind !== 'text') at([...path, 'optional'], 'only a text question can be optional');
    if (q.kind === 'text') continue;
    unique(
      q.options.map((o) => o.id),
      [...path, 'options'],
      'option',
    );
    for (const [j, o] of q.options.entries()) {
      const optionPath = [...path, 'options', j];
      if (q.scored && o.points === undefined) at([...optionPath, 'points'], 'Required on a scored question');
      if (!q.scored && o.points !== undefined) at([...optionPath, 'points'], 'not allowed on an unscored question');
      if (o.exclusive && q.kind === 'single')
        at([...optionPath, 'exclusive'], 'only multi-choice options can be exclusive');
      if (o.exclusive && (o.points ?? 0) !== 0) at([...optionPath, 'points'], 'an exclusive option scores 0');
    }
    if (q.kind === 'multi' && q.options.filter((o) => !o.exclusive).length > 10) {
      at([...path, 'options'], 'at most 10 options besides exclusive ones (Slack shows at most 10 checkboxes)');
    }
  }

  for (const [i, t] of pack.rules.triggers.entries()) {
    checkCondition(t.when, ['rules', 'triggers', i, 'when'], t.minTier === 'stop' ? 'stop' : 'trigger');
  }

  const c = pack.rules.classification;
  const checkCite = (cite: string | undefined, path: (string | number)[]) => {
    const question = pack.questions.find((q) => q.id === cite);
    if (cite !== undefined && question?.kind !== 'single' && question?.kind !== 'multi') {
      at(path, `"${cite}" is not a multiple-choice question`);
    }
  };
  for (const [i, rule] of c.eu.rules.entries()) {
    checkCondition(rule.when, ['rules', 'classification', 'eu', 'rules', i, 'when'], 'classification');
    checkCite(rule.cite, ['rules', 'classification', 'eu', 'rules', i, 'cite']);
  }
  for (const [i, note] of c.eu.notes.entries()) {
    checkCondition(note.when, ['rules', 'classification', 'eu', 'notes', i, 'when'], 'classification');
  }
  checkCondition(c.uk.atrs.when, ['rules', 'classification', 'uk', 'atrs', 'when'], 'classification');
  checkCondition(c.uk.kpiDuty.when, ['rules', 'classification', 'uk', 'kpiDuty', 'when'], 'classification');
  for (const [i, rule] of c.us.rules.entries()) {
    checkCondition(rule.when, ['rules', 'classification', 'us', 'rules', i, 'when'], 'classification');
    checkCite(rule.cite, ['rules', 'classification', 'us', 'rules', i, 'cite']);
  }
  for (const [i, floor] of c.ca.floors.entries()) {
    checkCondition(floor.when, ['rules', 'classification', 'ca', 'floors', i, 'when'], 'classification');
  }
  if (c.ca.mitigation) {
    for (const [i, id] of c.ca.mitigation.questions.entries()) {
      const question = pack.questions.find((q) => q.id === id);
      const where = ['rules', 'classification', 'ca', 'mitigation', 'questions', i];
      if (!question) at(where, `unknown question "${id}"`);
      else if (question.kind === 'text' || !question.options.some((o) => (o.mitigation ?? 0) > 0)) {
        at(where, `question "${id}" has no option with mitigation points`);
      }
    }
  }
  checkDates(pack, at);
  if (pack.goLiveQuestion !== undefined) {
    const question = pack.questions.find((q) => q.id === pack.goLiveQuestion);
    if (question?.kind !== 'text' || question.parse !== 'date') {
      at(['goLiveQuestion'], `"${pack.goLiveQuestion}" is not a date question (kind: text, parse: date)`);
    }
  }
  const [b1, b2, b3] = c.ca.bands;
  if (!(b1 > 0 && b1 < b2 && b2 < b3 && b3 < 100)) {
    at(['rules', 'classification', 'ca', 'bands'], 'expected three ascending percentages between 0 and 100');
  }

  for (const key of ['stopGates', 'gates', 'clauses', 'kpis', 'evidence'] as const) {
    for (const [i, item] of pack.rules[key].entries()) {
      if (item.when) checkCondition(item.when, ['rules', key, i, 'when'], 'library');
    }
  }

  const cadenceIds = new Set(pack.cadences.map((cadence) => cadence.id));
  for (const [i, kpi] of pack.rules.kpis.entries()) {
    if (kpi.cadence && !cadenceIds.has(kpi.cadence))
      at(['rules', 'kpis', i, 'cadence'], `unknown cadence "${kpi.cadence}"`);
  }
  for (const tier of SCORED_TIERS) {
    const cadence = pack.tiers[tier].cadence;
    if (!cadenceIds.has(cadence)) at(['tiers', tier, 'cadence'], `unknown cadence "${cadence}"`);
  }

  // Thresholds: points at or above which the score alone gives each tier.
  if (pack.tiers.low.from !== 0) at(['tiers', 'low', 'from'], 'the lowest tier must start at 0');
  for (const [lower, upper] of [
    ['low', 'medium'],
    ['medium', 'high'],
    ['high', 'critical'],
  ] as const) {
    if (pack.tiers[upper].from <= pack.tiers[lower].from) {
      at(['tiers', upper, 'from'], `must be greater than tiers.${lower}.from (${pack.tiers[lower].from})`);
    }
  }
  const max = maxScore(pack);
  if (pack.tiers.critical.from > max) at(['tiers', 'critical', 'from'], `is above the maximum score (${max})`);
  if (pack.uncertainty.atLeast > pack.questions.length) {
    at(['uncertainty', 'atLeast'], 'is more than the number of questions');
  }

  checkTextReferences(pack, at);
  return issues;
}

/** A pending amendment can only move a date later; anything dated must be a real date (the schema checks that). */
function checkDates(pack: PackFile, at: (path: (string | number)[], message: string) => void) {
  const visit = (value: unknown, path: (string | number)[]) => {
    if (Array.isArray(value)) for (const [i, item] of value.entries()) visit(item, [...path, i]);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const applies = item as { date?: string; pending?: { date: string } };
        if (key === 'appliesFrom' && applies.pending && applies.date && applies.pending.date <= applies.date) {
          at([...path, key, 'pending', 'date'], `must be later than ${applies.date}`);
        } else visit(item, [...path, key]);
      }
    }
  };
  visit(pack, []);
}

/** Texts such as "Obtain E1 and E2" or "clauses C1, C5" must name library entries that exist. */
function checkTextReferences(pack: PackFile, at: (path: (string | number)[], message: string) => void) {
  const known: Record<string, { ids: Set<string>; where: string }> = {
    C: { ids: new Set(pack.rules.clauses.map((c) => c.id)), where: 'rules.clauses' },
    K: { ids: new Set(pack.rules.kpis.map((k) => k.id)), where: 'rules.kpis' },
    E: { ids: new Set(pack.rules.evidence.map((e) => e.id)), where: 'rules.evidence' },
    G: { ids: new Set([...pack.rules.gates, ...pack.rules.stopGates].map((g) => g.id)), where: 'rules.gates' },
  };
  const visit = (value: unknown, path: (string | number)[]) => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(/\b([CKEG])\d+\b/g)) {
        const library = known[match[1]!]!;
        if (!library.ids.has(match[0])) at(path, `refers to ${match[0]}, which is not in ${library.where}`);
      }
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, [...path, i]);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) if (key !== 'id') visit(item, [...path, key]);
    }
  };
  visit(pack, []);
}
