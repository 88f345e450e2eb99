/**
 * The shape of a triage question pack (`prompts/triage/*.yaml`). Zod checks each field; `pack-loader.ts` then
 * checks what a schema cannot: that every id a rule or text refers to exists, ids are unique, thresholds ascend.
 */
import { z } from 'zod';
import type { AppliesFrom, CaLevel, EuCategory, Tier } from './types.js';

export const SCORED_TIERS = ['low', 'medium', 'high', 'critical'] as const;
export type ScoredTier = (typeof SCORED_TIERS)[number];
export const CURRENCIES = ['GBP', 'EUR', 'USD', 'CAD'] as const;
export type Currency = (typeof CURRENCIES)[number];
const TIER_IDS = ['low', 'medium', 'high', 'critical', 'stop'] as const satisfies readonly Tier[];
const EU_CATEGORIES = [
  'prohibited',
  'high-risk',
  'transparency',
  'minimal',
  'out-of-scope',
] as const satisfies readonly EuCategory[];
const CA_LEVELS = ['I', 'II', 'III', 'IV'] as const satisfies readonly CaLevel[];

const snakeId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'Expected a snake_case id (a-z, 0-9, _)');
const text = z.string().min(1);
const libraryId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}\\d+$`), `Expected an id like ${prefix}1`);
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Expected a date written YYYY-MM-DD')
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: 'Not a calendar date',
    },
  );

/**
 * When a legal duty starts to bind: a date, or a date and the later one a pending amendment would move it to
 * (`by` names the amendment and its status, e.g. "Digital Omnibus, adoption pending").
 */
export const AppliesFromSchema: z.ZodType<AppliesFrom, z.ZodTypeDef, unknown> = z.union([
  isoDate,
  z.object({ date: isoDate, pending: z.object({ date: isoDate, by: text }).strict() }).strict(),
]);

/** A rule's condition; see the README, "Triage question packs". A "Don't know" never matches `in`, it matches `unknown`. */
export type Condition =
  | { q: string; in: string[] }
  | { q: string; unknown: true }
  | { q: string; answered: true }
  | { money: { q: string; currency: Currency; over: number } }
  | { tier: { atLeast: ScoredTier } }
  | { eu: EuCategory }
  | { uk: 'atrs' | 'kpi-duty' }
  | { us: 'high-impact' }
  | { ca: { atLeast: CaLevel } }
  | { trigger: string }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

const questionTest = z
  .object({
    q: snakeId,
    in: z.array(snakeId).min(1).optional(),
    unknown: z.literal(true).optional(),
    answered: z.literal(true).optional(),
  })
  .strict()
  .transform((c, ctx): Condition => {
    if (c.in && !c.unknown && !c.answered) return { q: c.q, in: c.in };
    if (c.unknown && !c.in && !c.answered) return { q: c.q, unknown: true };
    if (c.answered && !c.in && !c.unknown) return { q: c.q, answered: true };
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Give exactly one of in, unknown: true, answered: true' });
    return z.NEVER;
  });

/** One zod schema per condition kind, chosen by the single key that names the kind. */
const CONDITION_KINDS: Record<string, z.ZodType<Condition, z.ZodTypeDef, unknown>> = {
  q: questionTest,
  money: z
    .object({
      money: z.object({ q: snakeId, currency: z.enum(CURRENCIES), over: z.number().nonnegative() }).strict(),
    })
    .strict(),
  tier: z.object({ tier: z.object({ atLeast: z.enum(SCORED_TIERS) }).strict() }).strict(),
  eu: z.object({ eu: z.enum(EU_CATEGORIES) }).strict(),
  uk: z.object({ uk: z.enum(['atrs', 'kpi-duty']) }).strict(),
  us: z.object({ us: z.literal('high-impact') }).strict(),
  ca: z.object({ ca: z.object({ atLeast: z.enum(CA_LEVELS) }).strict() }).strict(),
  trigger: z.object({ trigger: snakeId }).strict(),
  all: z.object({ all: z.array(z.lazy(() => ConditionSchema)).min(1) }).strict(),
  any: z.object({ any: z.array(z.lazy(() => ConditionSchema)).min(1) }).strict(),
  not: z.object({ not: z.lazy(() => ConditionSchema) }).strict(),
};
const KIND_NAMES = Object.keys(CONDITION_KINDS).join(', ');

// Dispatching on the key (rather than a zod union) keeps error messages pointed at the field that is wrong.
export const ConditionSchema: z.ZodType<Condition, z.ZodTypeDef, unknown> = z.unknown().transform((value, ctx) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `Expected a condition: an object with one of ${KIND_NAMES}` });
    return z.NEVER;
  }
  const kinds = Object.keys(value).filter((key) => key in CONDITION_KINDS);
  if (kinds.length !== 1) {
    const found = kinds.length ? `found ${kinds.join(' and ')}` : `found ${Object.keys(value).join(', ') || 'nothing'}`;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `A condition needs exactly one of ${KIND_NAMES}; ${found}` });
    return z.NEVER;
  }
  const result = CONDITION_KINDS[kinds[0]!]!.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: issue.message, path: issue.path });
    }
    return z.NEVER;
  }
  return result.data;
});

const OptionSchema = z
  .object({
    id: snakeId,
    /** Fits on a button. */
    label: z.string().min(1).max(40),
    detail: text.optional(),
    points: z.number().int().nonnegative().optional(),
    /** Multi-choice only: cannot be combined with other options ("None of these"). */
    exclusive: z.boolean().optional(),
    /** Legal reference shown in the EU / US classification basis when this option is selected. */
    eu: text.optional(),
    us: text.optional(),
    /** Credit towards the Canada AIA-style mitigation score, on the questions `classification.ca.mitigation` names. */
    mitigation: z.number().int().nonnegative().optional(),
  })
  .strict();

const DontKnowSchema = z
  .object({
    allowed: z.boolean().default(true),
    /** What to obtain when the answer is "Don't know"; becomes an evidence item (required unless the question is optional). */
    evidence: text.optional(),
  })
  .strict();

const questionBase = {
  id: snakeId,
  prompt: z.string().min(1).max(200),
  help: text.optional(),
  /** Skip the question when this holds; it may only look at earlier questions. */
  skipWhen: ConditionSchema.optional(),
  /** Asked, but a scripted answer may leave it out, and "Don't know" there is no unknown, evidence or uncertainty. */
  optional: z.boolean().optional(),
  dontKnow: DontKnowSchema,
};

const SingleQuestionSchema = z
  .object({
    ...questionBase,
    kind: z.literal('single'),
    scored: z.boolean().default(true),
    options: z.array(OptionSchema).min(2),
  })
  .strict();
const MultiQuestionSchema = z
  .object({
    ...questionBase,
    kind: z.literal('multi'),
    scored: z.boolean().default(true),
    options: z.array(OptionSchema).min(2),
    /** sum: add the selected options' points (up to `cap`); max: take the highest. */
    score: z.enum(['sum', 'max']).default('sum'),
    cap: z.number().int().positive().optional(),
  })
  .strict();
const TextQuestionSchema = z
  .object({
    ...questionBase,
    kind: z.literal('text'),
    maxLength: z.number().int().min(1).max(3000).default(500),
    placeholder: text.optional(),
    /** money: the answer must contain an amount and a currency; date: a date written YYYY-MM-DD. */
    parse: z.enum(['money', 'date']).optional(),
  })
  .strict();

export const QuestionSchema = z.discriminatedUnion('kind', [
  SingleQuestionSchema,
  MultiQuestionSchema,
  TextQuestionSchema,
]);

const TriggerSchema = z.object({ id: snakeId, label: text, minTier: z.enum(TIER_IDS), when: ConditionSchema }).strict();
const GateSchema = z
  .object({ id: libraryId('G'), text, when: ConditionSchema.optional(), appliesFrom: AppliesFromSchema.optional() })
  .strict();
const ClauseSchema = z
  .object({
    id: libraryId('C'),
    title: text,
    gist: text,
    when: ConditionSchema.optional(),
    appliesFrom: AppliesFromSchema.optional(),
  })
  .strict();
const KpiSchema = z
  .object({
    id: libraryId('K'),
    title: text,
    measure: text,
    target: text,
    /** The KPI's own reporting cadence; used when more frequent than the tier's. */
    cadence: snakeId.optional(),
    when: ConditionSchema.optional(),
  })
  .strict();
const EvidenceSchema = z
  .object({
    id: libraryId('E'),
    text,
    reason: text,
    /** The contract clauses (C-ids) this evidence supports: the supplier request pack names them (2026.12.1 on). */
    supports: z.array(libraryId('C')).max(20).optional(),
    when: ConditionSchema.optional(),
  })
  .strict();

/** Packs before 2026.12, and contracts registered from them, switched a two-speed cadence after 6 months. */
export const LEGACY_FIRST_MONTHS = 6;

const CadenceSchema = z
  .object({
    id: snakeId,
    label: text,
    /** Months between reviews; `thenMonths` after the first `firstMonths` (monthly for 6 months, then quarterly). */
    months: z.number().positive(),
    thenMonths: z.number().positive().optional(),
    /** How long the first interval lasts; packs before 2026.12 left it out and meant `LEGACY_FIRST_MONTHS`. */
    firstMonths: z.number().int().positive().optional(),
  })
  .strict()
  .refine((c) => c.firstMonths === undefined || c.thenMonths !== undefined, {
    message: 'firstMonths needs thenMonths',
    path: ['firstMonths'],
  });

const ScoredTierSchema = z
  .object({ label: text, from: z.number().int().nonnegative(), cadence: snakeId, summary: text.optional() })
  .strict();
/** Outcome labels of the EU categories; packs before 2026.12 left them out (the renderers' own words then). */
const EuLabelsSchema = z
  .object(Object.fromEntries(EU_CATEGORIES.map((c) => [c, text])) as Record<EuCategory, typeof text>)
  .strict();

const RuleTextSchema = z
  .object({
    when: ConditionSchema,
    basis: text,
    /** A question whose selected options' `eu` / `us` references are listed after the basis. */
    cite: snakeId.optional(),
    /** When the duties this class brings start to bind. */
    appliesFrom: AppliesFromSchema.optional(),
  })
  .strict();

const ClassificationSchema = z
  .object({
    eu: z
      .object({
        /** The first matching rule sets the category; every matching rule of that category adds its basis. */
        rules: z.array(RuleTextSchema.extend({ category: z.enum(EU_CATEGORIES) }).strict()),
        otherwise: text,
        labels: EuLabelsSchema.optional(),
        notes: z.array(z.object({ when: ConditionSchema, text }).strict()).default([]),
      })
      .strict(),
    uk: z
      .object({
        atrs: z.object({ when: ConditionSchema, duty: text, appliesFrom: AppliesFromSchema.optional() }).strict(),
        kpiDuty: z
          .object({
            when: ConditionSchema,
            duties: z.array(text).min(1),
            appliesFrom: AppliesFromSchema.optional(),
          })
          .strict(),
      })
      .strict(),
    us: z.object({ rules: z.array(RuleTextSchema), otherwise: text, stopBasis: text }).strict(),
    ca: z
      .object({
        /** Score as a percentage of the maximum above which level II, III and IV start (AIA: 25, 50, 75). */
        bands: z.tuple([z.number(), z.number(), z.number()]),
        basis: text,
        floors: z
          .array(z.object({ when: ConditionSchema, atLeast: z.enum(CA_LEVELS), note: text }).strict())
          .default([]),
        stopBasis: text,
        appliesFrom: AppliesFromSchema.optional(),
        /** Which parts of the real AIA the answers stand in for, and which they do not. */
        standsFor: z
          .object({ modelled: z.array(text).min(1), notModelled: z.array(text) })
          .strict()
          .optional(),
        /**
         * The AIA's mitigation deduction: when the `mitigation` points of these questions' answers reach `atLeast`
         * (a share of their maximum), `deduct` (a share) comes off the score before the level is read.
         */
        mitigation: z
          .object({
            questions: z.array(snakeId).min(1),
            atLeast: z.number().gt(0).max(1),
            deduct: z.number().gt(0).lt(1),
            note: text,
          })
          .strict()
          .optional(),
      })
      .strict(),
  })
  .strict();

const ClaimSchema = z.object({ match: z.enum(['exact', 'at-least']), note: text }).strict();

export const PackFileSchema = z
  .object({
    id: snakeId,
    version: z.string().min(1),
    title: text,
    description: text.optional(),
    tiers: z
      .object({
        low: ScoredTierSchema,
        medium: ScoredTierSchema,
        high: ScoredTierSchema,
        critical: ScoredTierSchema,
        stop: z.object({ label: text, summary: text.optional() }).strict(),
      })
      .strict(),
    cadences: z.array(CadenceSchema).min(1),
    /**
     * How often a contract of each tier holds joint reviews with its supplier (cadence ids): the default offered when
     * reviews are scheduled. Packs before 2026.12.1 have none; a custom cadence is always possible.
     */
    jointReviews: z.object({ low: snakeId, medium: snakeId, high: snakeId, critical: snakeId }).strict().optional(),
    /** Many "Don't know" answers raise the tier to at least `minTier`. */
    uncertainty: z
      .object({ id: snakeId, label: text, atLeast: z.number().int().positive(), minTier: z.enum(TIER_IDS) })
      .strict(),
    questions: z.array(QuestionSchema).min(1),
    /**
     * Which published labels the pack claims to reproduce: `exact`, or `at-least` (never milder than the published
     * label, over-calling allowed). The public-cases suite (`npm run fidelity`) holds the pack to these.
     */
    claims: z
      .object({
        eu: ClaimSchema.optional(),
        us: ClaimSchema.optional(),
        uk: ClaimSchema.optional(),
        ca: ClaimSchema.optional(),
      })
      .strict()
      .optional(),
    /** The text question (parse: date) holding the planned go-live date: the outcome says what binds by then. */
    goLiveQuestion: snakeId.optional(),
    rules: z
      .object({
        triggers: z.array(TriggerSchema),
        classification: ClassificationSchema,
        /** The only gates a STOP outcome lists. */
        stopGates: z.array(GateSchema).min(1),
        gates: z.array(GateSchema),
        clauses: z.array(ClauseSchema),
        kpis: z.array(KpiSchema),
        evidence: z.array(EvidenceSchema),
      })
      .strict(),
  })
  .strict();

export type PackFile = z.infer<typeof PackFileSchema>;
export type Question = z.infer<typeof QuestionSchema>;
export type ChoiceQuestion = Extract<Question, { kind: 'single' | 'multi' }>;
export type TextQuestion = Extract<Question, { kind: 'text' }>;
export type Option = z.infer<typeof OptionSchema>;
export type Trigger = z.infer<typeof TriggerSchema>;
export type Gate = z.infer<typeof GateSchema>;
export type Clause = z.infer<typeof ClauseSchema>;
export type Kpi = z.infer<typeof KpiSchema>;
export type EvidenceItem = z.infer<typeof EvidenceSchema>;
export type Cadence = z.infer<typeof CadenceSchema>;
export type Classification = PackFile['rules']['classification'];

/** A validated pack plus the sha256 of its text, so an old record can name exactly what produced it. */
export type Pack = PackFile & { hash: string };
