/**
 * The shapes the triage engine works on. Answers are keyed by question id; option ids and question ids are
 * stable across pack versions so stored dialogues and scripted answer files stay meaningful.
 */

export type AnswerValue =
  | { kind: 'option'; optionId: string }
  | { kind: 'options'; optionIds: string[] }
  | { kind: 'text'; text: string }
  | { kind: 'dontKnow' };

export type Answers = Record<string, AnswerValue>;

/** The option ids an answer selects (none for text or "Don't know"). */
export const selectedIds = (value: AnswerValue): string[] =>
  value.kind === 'option' ? [value.optionId] : value.kind === 'options' ? value.optionIds : [];

export const TIERS = ['low', 'medium', 'high', 'critical', 'stop'] as const;
export type Tier = (typeof TIERS)[number];

export const tierRank = (tier: Tier): number => TIERS.indexOf(tier);
export const maxTier = (a: Tier, b: Tier): Tier => (tierRank(a) >= tierRank(b) ? a : b);

export type EuCategory = 'prohibited' | 'high-risk' | 'transparency' | 'minimal' | 'out-of-scope';
export type CaLevel = 'I' | 'II' | 'III' | 'IV';

/** When a legal duty starts to bind: a date, or a date and the later one a pending amendment would move it to. */
export type AppliesFrom = string | { date: string; pending: { date: string; by: string } };

/** On a given day a duty binds, binds unless a pending amendment moves it first, or does not bind yet. */
export type Binding = 'binds' | 'binds-unless-moved' | 'not-yet';

export interface DatedDuty {
  /** The dated gate or clause (G22, C17). */
  ref: string;
  text: string;
  from: string;
  /** The date a pending amendment would move it to, and that amendment. */
  pending?: { from: string; by: string };
  onTriageDate: Binding;
  /** Only when a go-live date was given. */
  atGoLive?: Binding;
}

export interface Timeline {
  triageDate: string;
  goLive?: string;
  duties: DatedDuty[];
}

export interface PackRef {
  id: string;
  version: string;
  hash: string;
}

export interface Contribution {
  questionId: string;
  question: string;
  answer: string;
  points: number;
  max: number;
}

export interface Outcome {
  pack: PackRef;
  tier: Tier;
  score: number;
  max: number;
  /** True while any answer is "Don't know": the tier may drop once the evidence arrives. */
  provisional: boolean;
  /** Question ids answered "Don't know". */
  unknowns: string[];
  triggers: { id: string; label: string; minTier: Tier }[];
  classification: {
    eu: { category: EuCategory; basis: string; appliesFrom?: AppliesFrom };
    /** `atrsProvisional` / `kpiDutyProvisional`: expected only because answers that could bring it are "Don't know". */
    uk: {
      atrsExpected: boolean;
      kpiDuty: boolean;
      duties: string[];
      atrsProvisional?: boolean;
      kpiDutyProvisional?: boolean;
      atrsAppliesFrom?: AppliesFrom;
      kpiDutyAppliesFrom?: AppliesFrom;
    };
    /** `provisional`: high-impact only because answers that could make it so are still "Don't know". */
    us: { highImpact: boolean; basis: string; provisional?: boolean; appliesFrom?: AppliesFrom };
    /** `mitigation`: the AIA-style deduction, where the pack models it (`points` of `max`; `applied` took it off). */
    ca: {
      level: CaLevel;
      basis: string;
      appliesFrom?: AppliesFrom;
      mitigation?: { points: number; max: number; applied: boolean; score: number };
    };
  };
  gates: { id: string; text: string; appliesFrom?: AppliesFrom }[];
  clauses: { id: string; title: string; gist: string; appliesFrom?: AppliesFrom }[];
  kpis: {
    id: string;
    title: string;
    measure: string;
    target: string;
    cadence: string;
    /** The pack's cadence id behind `cadence` (its `months` say how often a review falls due). */
    cadenceId?: string;
  }[];
  evidence: { id: string; text: string; reason: string }[];
  /** Every scored answer's contribution, largest first: the "why" behind the score. */
  why: Contribution[];
  /** What binds on the triage date and at go-live; only for packs that date their duties, evaluated on a date. */
  timeline?: Timeline;
}
