/**
 * The stored contract record: what was signed, the KPIs to watch, and what has happened since (results,
 * breaches, snoozes). Validated by zod whenever it is read back from the store.
 */
import { z } from 'zod';
import { addMonths, isLocalDate, isValidTimeZone } from '../calendar.js';
import { newShortId, normaliseShortId } from '../ids.js';
import { UserRefSchema } from '../triage/dialogue.js';
import { CURRENCIES } from '../triage/pack-schema.js';
import { TIERS } from '../triage/types.js';

export const JURISDICTIONS = ['UK', 'EU', 'US', 'CA', 'other'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

export const JURISDICTION_LABEL: Record<Jurisdiction, string> = {
  UK: 'United Kingdom',
  EU: 'European Union',
  US: 'United States (federal)',
  CA: 'Canada',
  other: 'Other',
};

export { CURRENCIES, type Currency } from '../triage/pack-schema.js';

/**
 * The Contract Performance Notice scale (Procurement Regulations 2024, reg. 39(5)) and the ids the UK OCDS
 * extension uses for it in `Observation.measureClassification`.
 */
export const CPN_RATINGS = ['good', 'approaching', 'requires_improvement', 'inadequate', 'other'] as const;
export type CpnRating = (typeof CPN_RATINGS)[number];

export const CPN_RATING: Record<
  CpnRating,
  { label: string; ocds: 'met' | 'slightlyBelow' | 'below' | 'significantlyBelow' | 'other' }
> = {
  good: { label: 'Good', ocds: 'met' },
  approaching: { label: 'Approaching target', ocds: 'slightlyBelow' },
  requires_improvement: { label: 'Requires improvement', ocds: 'below' },
  inadequate: { label: 'Inadequate', ocds: 'significantlyBelow' },
  other: { label: 'Other', ocds: 'other' },
};

export const MIN_KPIS_WITH_DUTY = 3;
export const MATERIAL_KPIS = 3;
/** Keeps a contract's schedule of obligations bounded. */
export const MAX_CONTRACT_YEARS = 20;

/**
 * Procurement Act 2023 s.52 and s.71: KPIs, and so Contract Performance Notices, for UK contracts over the
 * threshold of the triage's pack (`kpiThreshold`); none when the pack sets none.
 */
export function hasCpnDuty(
  contract: { jurisdiction: Jurisdiction; value: { amount: number; currency: string } },
  threshold: { currency: string; over: number } | undefined,
): boolean {
  return (
    threshold !== undefined &&
    contract.jurisdiction === 'UK' &&
    contract.value.currency === threshold.currency &&
    contract.value.amount > threshold.over
  );
}

export const LocalDateSchema = z.string().refine(isLocalDate, 'Expected a date written YYYY-MM-DD');
export const TimeZoneSchema = z.string().refine(isValidTimeZone, 'Expected an IANA time zone such as Europe/London');
export const CONTRACT_ID = /^C-[0-9A-HJKMNP-TV-Z]{6}$/;
export const KPI_ID = /^K\d{1,3}$/;

const CadenceSchema = z
  .object({
    /** Months from one review to the next. */
    months: z.number().int().min(1).max(24),
    /** After the first `firstMonths`, reviews come this many months apart (critical tier: monthly, then quarterly). */
    thenMonths: z.number().int().min(1).max(24).optional(),
    /** From the triage's pack; contracts registered before pack 2026.12 have none and mean `LEGACY_FIRST_MONTHS`. */
    firstMonths: z.number().int().min(1).max(60).optional(),
  })
  .strict();

export const ContractKpiSchema = z
  .object({
    id: z.string().regex(KPI_ID, 'Expected a KPI id like K1'),
    title: z.string().min(1).max(200),
    measure: z.string().max(500),
    target: z.string().min(1).max(200),
    cadence: CadenceSchema,
    /** One of the (up to) three most material KPIs named in the UK Contract Details Notice. */
    material: z.boolean(),
  })
  .strict();

/**
 * The relationship pulse recorded at a joint review: three questions, each answered 1 to 5 by both sides
 * (formal-relational contracting: shared goals, openness, commitments kept).
 */
export const PULSE_QUESTIONS = [
  'We are working towards the same goals for this service',
  'Problems are raised early and dealt with openly',
  'What was agreed at the last review was done',
] as const;
const Score = z.number().int().min(1).max(5);
export const PulseSchema = z.object({ buyer: z.array(Score).length(3), supplier: z.array(Score).length(3) }).strict();
export type Pulse = z.infer<typeof PulseSchema>;

export const ResultSchema = z
  .object({
    id: z.string().min(1).max(16),
    /** The obligation key this result answers (see obligations.ts). */
    obligation: z.string().min(1).max(100),
    kpiId: z.string().regex(KPI_ID).optional(),
    value: z.string().min(1).max(500),
    /** KPI reviews and Contract Performance Notices are rated; a refresh, re-triage or breach follow-up is not. */
    rating: z.enum(CPN_RATINGS).optional(),
    /** A joint review's relationship pulse. */
    pulse: PulseSchema.optional(),
    note: z.string().max(2000).optional(),
    by: UserRefSchema,
    at: z.string().datetime(),
    /** The form submission that recorded it (Slack view id, Teams card id): a double submit records once. */
    submission: z.string().max(200).optional(),
    /** A correction: the result it replaces, and why. The earlier one stays, and the history shows both. */
    replaces: z.string().min(1).max(16).optional(),
    reason: z.string().min(1).max(500).optional(),
  })
  .strict();

export const BreachSchema = z
  .object({
    id: z.string().min(1).max(16),
    on: LocalDateSchema,
    note: z.string().min(1).max(1000),
    by: UserRefSchema,
    at: z.string().datetime(),
    submission: z.string().max(200).optional(),
    /** A correction names the breach it replaces and says why; the replaced one stays, for the record. */
    replaces: z.string().min(1).max(16).optional(),
    reason: z.string().min(1).max(500).optional(),
  })
  .strict();

/** The breaches that stand: each one not replaced by a later correction. */
export function currentBreaches<T extends { id: string; replaces?: string }>(breaches: readonly T[]): T[] {
  const replaced = new Set(breaches.flatMap((b) => (b.replaces ? [b.replaces] : [])));
  return breaches.filter((b) => !replaced.has(b.id));
}

/** Joint reviews with the supplier: every `months` from `first`, the tier's cadence from the pack or a custom one. */
export const ReviewsSchema = z
  .object({
    months: z.number().int().min(1).max(24),
    first: LocalDateSchema,
    /** The pack's cadence id, or 'custom'. */
    cadence: z.string().min(1).max(40),
    by: UserRefSchema,
    at: z.string().datetime(),
  })
  .strict();
export type Reviews = z.infer<typeof ReviewsSchema>;

export const MAX_CHANGES = 500;

/** A change the supplier has notified (model, data, subcontractor): the next joint review's pre-read lists it. */
export const SupplierChangeSchema = z
  .object({
    id: z.string().regex(/^N\d{1,4}$/),
    on: LocalDateSchema,
    note: z.string().min(1).max(1000),
    by: UserRefSchema,
    at: z.string().datetime(),
    submission: z.string().max(200).optional(),
  })
  .strict();
export type SupplierChange = z.infer<typeof SupplierChangeSchema>;

/** One snooze: who, why, until when. At most MAX_SNOOZES per obligation; see snooze-form.ts. */
export const SnoozeSchema = z
  .object({
    obligation: z.string().min(1).max(100),
    until: LocalDateSchema,
    reason: z.string().min(1).max(300),
    by: UserRefSchema,
    at: z.string().datetime(),
    /** The form submission (Slack view id, Teams card id): a double submit snoozes once. */
    submission: z.string().max(200).optional(),
  })
  .strict();
export type Snooze = z.infer<typeof SnoozeSchema>;

export const ContractSchema = z
  .object({
    v: z.literal(1),
    id: z.string().regex(CONTRACT_ID, 'Expected a contract id like C-7K2M9Q'),
    tenant: z.string().min(1),
    platform: z.enum(['slack', 'teams']),
    title: z.string().min(1).max(150),
    supplier: z.string().min(1).max(150),
    value: z.object({ amount: z.number().nonnegative().finite(), currency: z.enum(CURRENCIES) }).strict(),
    start: LocalDateSchema,
    end: LocalDateSchema,
    owner: UserRefSchema,
    /** Senior responsible owner: escalation after 14 days overdue. */
    sro: UserRefSchema,
    jurisdiction: z.enum(JURISDICTIONS),
    /** The zone the contract is managed in: "today" for its reminders, and the hour they are shown for. */
    timeZone: TimeZoneSchema,
    /** Where reminders go: a Slack channel id or a Teams conversation id. */
    channel: z.string().min(1),
    triage: z
      .object({
        dialogueId: z.string().min(1),
        tier: z.enum(TIERS),
        score: z.number(),
        max: z.number(),
        packId: z.string(),
        packVersion: z.string(),
        packHash: z.string(),
        /** The tier's label in that pack (contracts registered before 2026.12 have none). */
        tierLabel: z.string().min(1).max(100).optional(),
      })
      .strict()
      .optional(),
    kpis: z.array(ContractKpiSchema).min(1).max(50),
    /** Procurement Act 2023: Contract Performance Notices are due (UK, over the pack's threshold). Set at registration. */
    cpnDuty: z.boolean(),
    /**
     * The date the contract was registered with the bot. Obligations due earlier are not reminded of: a contract
     * registered two years into its term would otherwise arrive with two years of "overdue" reviews.
     */
    trackedFrom: LocalDateSchema,
    results: z.array(ResultSchema),
    breaches: z.array(BreachSchema),
    /** Obligation key → the date it shows again. */
    snoozes: z.record(LocalDateSchema),
    /** Every snooze, with who and why (contracts registered before snoozes had reasons have none). */
    snoozeLog: z.array(SnoozeSchema).max(2000).default([]),
    /** Joint reviews with the supplier, once scheduled. */
    reviews: ReviewsSchema.optional(),
    /** Changes the supplier has notified (contracts registered before there was a log have none). */
    changes: z.array(SupplierChangeSchema).max(MAX_CHANGES).optional(),
    /** The day a digest first found the contract ended: that day's digest asks its owner for a lesson. */
    endedOn: LocalDateSchema.optional(),
    createdBy: UserRefSchema,
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .strict()
  .superRefine((c, ctx) => {
    // Zod runs this even when a date failed its own check; those are reported already.
    if (!isLocalDate(c.start) || !isLocalDate(c.end)) return;
    if (c.end <= c.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'The end must be after the start' });
    else if (c.end > addMonths(c.start, MAX_CONTRACT_YEARS * 12)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: `At most ${MAX_CONTRACT_YEARS} years long` });
    }
    const ids = c.kpis.map((k) => k.id);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: 'custom', path: ['kpis'], message: 'KPI ids must be unique' });
    }
  });

export type Contract = z.infer<typeof ContractSchema>;
export type ContractKpi = z.infer<typeof ContractKpiSchema>;
export type ContractResult = z.infer<typeof ResultSchema>;
export type Breach = z.infer<typeof BreachSchema>;

/** A short, human-friendly contract id such as 'C-7K2M9Q' (the service checks for clashes). */
export const newContractId = (random?: (max: number) => number): string => newShortId('C', random);

/** Contract ids are typed by people (the open command): accept lower case and the letters Crockford confuses. */
export const normaliseContractId = (raw: string): string => normaliseShortId('C', raw);

/** The next id in a record's own sequence: R1, R2… for results, B1, B2… for breaches, N1, N2… for changes. */
export function nextSequenceId(prefix: 'R' | 'B' | 'N', existing: { id: string }[]): string {
  let max = 0;
  for (const item of existing) {
    const n = item.id.startsWith(prefix) ? Number(item.id.slice(prefix.length)) : Number.NaN;
    if (Number.isInteger(n) && n > max) max = n;
  }
  return `${prefix}${max + 1}`;
}
