/**
 * The stored procurement record: what a completed triage becomes on its way to award. It holds the checklist (the
 * outcome's gates and evidence, and the actions a consequence scan adds), the consequence scans, the clause asks
 * and KPI proposals they produced, and where its messages are. Validated by zod whenever it is read back.
 */
import { z } from 'zod';
import { LocalDateSchema, TimeZoneSchema } from '../contracts/contract.js';
import { newShortId, normaliseShortId } from '../ids.js';
import { MessageRefSchema, UserRefSchema } from '../triage/dialogue.js';

export const PROCUREMENT_ID = /^P-[0-9A-HJKMNP-TV-Z]{6}$/;
export const newProcurementId = (random?: (max: number) => number): string => newShortId('P', random);
export const normaliseProcurementId = (raw: string): string => normaliseShortId('P', raw);

/** Stages after the triage; `live` and `ended` follow the registered contract's term (`stageOn` in service.ts). */
export const STAGES = ['pre-award', 'awarded', 'live', 'ended'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * `received`: the supplier attached proof, which the buyer has still to review; it counts as open. `waived` and
 * `na` (not applicable) carry the reason they were given.
 */
export const ITEM_STATUSES = ['open', 'received', 'done', 'waived', 'na'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export const SETTLED: readonly ItemStatus[] = ['done', 'waived', 'na'];

export const ITEM_ID = /^[A-Za-z0-9_-]{1,100}$/;
export const MAX_ITEMS = 80;
export const MAX_SCANS = 20;
export const MAX_CLAUSE_ASKS = 100;
export const MAX_KPI_PROPOSALS = 50;
export const TEXT_MAX = 500;
export const REASON_MAX = 500;
export const URL_MAX = 500;

const ProofSchema = z
  .object({
    url: z.string().url().max(URL_MAX).optional(),
    note: z.string().max(REASON_MAX).optional(),
  })
  .strict();
export type Proof = z.infer<typeof ProofSchema>;

const ChangeSchema = z
  .object({
    status: z.enum(ITEM_STATUSES),
    by: UserRefSchema,
    at: z.string().datetime(),
    reason: z.string().max(REASON_MAX).optional(),
    proof: ProofSchema.optional(),
    /** The supplier side made it (a guest in a shared channel). */
    supplier: z.boolean().optional(),
  })
  .strict();

export const ItemSchema = z
  .object({
    /** The pack's gate or evidence id (G3, E5, DK-data), or A1, A2… for an action a scan added. */
    id: z.string().regex(ITEM_ID),
    kind: z.enum(['gate', 'evidence', 'action']),
    text: z.string().min(1).max(TEXT_MAX),
    /** Why it is asked: the pack's reason for evidence, the consequence behind an action. */
    reason: z.string().max(TEXT_MAX).optional(),
    /** The contract clauses it supports (C-ids of the triage's pack). */
    supports: z.array(z.string().max(10)).max(20).optional(),
    /** Evidence is the supplier's to provide: a supplier guest may attach proof to it, and to nothing else. */
    addressee: z.enum(['buyer', 'supplier']),
    owner: UserRefSchema.optional(),
    due: LocalDateSchema,
    status: z.enum(ITEM_STATUSES),
    statusReason: z.string().max(REASON_MAX).optional(),
    proof: ProofSchema.optional(),
    changedBy: UserRefSchema.optional(),
    changedAt: z.string().datetime().optional(),
    /** Every change, oldest first. */
    log: z.array(ChangeSchema).max(200),
  })
  .strict();
export type ChecklistItem = z.infer<typeof ItemSchema>;

export const SORTS = ['act', 'influence', 'monitor'] as const;
export type Sort = (typeof SORTS)[number];

export const ConsequenceSchema = z
  .object({
    /** S1-3: the third consequence of the first scan. */
    id: z.string().regex(/^S\d{1,3}-\d{1,3}$/),
    text: z.string().min(1).max(TEXT_MAX),
    by: UserRefSchema,
    at: z.string().datetime(),
    sort: z.enum(SORTS).optional(),
    impact: z.enum(['positive', 'negative']).optional(),
    intent: z.enum(['intended', 'unintended']).optional(),
    /** The message in the thread that shows it with its buttons. */
    message: MessageRefSchema.optional(),
  })
  .strict();
export type Consequence = z.infer<typeof ConsequenceSchema>;

export const ScanSchema = z
  .object({
    n: z.number().int().min(1).max(999),
    /** Why it was run: before award, or again at renewal. */
    occasion: z.enum(['pre-award', 'renewal']),
    openedBy: UserRefSchema,
    openedAt: z.string().datetime(),
    /** The scan's own message in the thread (its prompts, its Close button). */
    message: MessageRefSchema.optional(),
    consequences: z.array(ConsequenceSchema).max(100),
    closedBy: UserRefSchema.optional(),
    closedAt: z.string().datetime().optional(),
  })
  .strict();
export type Scan = z.infer<typeof ScanSchema>;

/** A clause to ask the supplier for, from an Influence consequence: a pack clause (C-id) or free text. */
export const ClauseAskSchema = z
  .object({ ref: z.string().max(10).optional(), text: z.string().min(1).max(TEXT_MAX), from: z.string().max(20) })
  .strict();
export type ClauseAsk = z.infer<typeof ClauseAskSchema>;

/** A KPI or review reminder to propose on the contract form, from a Monitor consequence. */
export const KpiProposalSchema = z
  .object({ id: z.string().regex(/^K\d{1,3}$/), title: z.string().min(1).max(200), from: z.string().max(20) })
  .strict();
export type KpiProposal = z.infer<typeof KpiProposalSchema>;

/** A transparency record the team published (ATRS, the US inventory, the Algoritmeregister, the EU database). */
export const PublishedSchema = z
  .object({
    kind: z.enum(['atrs', 'us-inventory', 'nl-register', 'eu-db']),
    on: LocalDateSchema,
    review: LocalDateSchema,
    by: UserRefSchema,
    at: z.string().datetime(),
  })
  .strict();
export type Published = z.infer<typeof PublishedSchema>;

export const ProcurementSchema = z
  .object({
    v: z.literal(1),
    id: z.string().regex(PROCUREMENT_ID, 'Expected a procurement id like P-3F8R1A'),
    tenant: z.string().min(1),
    platform: z.enum(['slack', 'teams']),
    title: z.string().min(1).max(150),
    dialogueId: z.string().min(1).max(64),
    /** The triage's thread: where the checklist and the scans live. */
    thread: MessageRefSchema,
    /** The procurement channel: its digest carries the checklist's due and overdue items. */
    channel: z.string().min(1),
    /** The triage's summary in the procurement channel, which shows the checklist's progress. */
    summary: MessageRefSchema.optional(),
    checklistMessage: MessageRefSchema.optional(),
    stage: z.enum(STAGES),
    awardDate: LocalDateSchema,
    timeZone: TimeZoneSchema,
    items: z.array(ItemSchema).max(MAX_ITEMS),
    ready: z.object({ by: UserRefSchema, at: z.string().datetime() }).strict().optional(),
    contractId: z.string().max(16).optional(),
    /** The contract's term: the procurement is live from its start and ended after its end. */
    term: z.object({ start: LocalDateSchema, end: LocalDateSchema }).strict().optional(),
    /** Registered before every item was settled: the admin who did it, and why. */
    earlyAward: z
      .object({ by: UserRefSchema, reason: z.string().min(1).max(REASON_MAX) })
      .strict()
      .optional(),
    scans: z.array(ScanSchema).max(MAX_SCANS),
    clauseAsks: z.array(ClauseAskSchema).max(MAX_CLAUSE_ASKS),
    kpiProposals: z.array(KpiProposalSchema).max(MAX_KPI_PROPOSALS),
    /** Transparency records published from the drafts: each one's review date is a documentation refresh. */
    published: z.array(PublishedSchema).max(10).optional(),
    createdBy: UserRefSchema,
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .strict();
export type Procurement = z.infer<typeof ProcurementSchema>;

export const isSettled = (item: Pick<ChecklistItem, 'status'>): boolean => SETTLED.includes(item.status);

/** "12 of 19 done, 2 waived": what the checklist message and the procurement channel's summary show. */
export interface Progress {
  total: number;
  done: number;
  waived: number;
  na: number;
  received: number;
  open: number;
}

export function progressOf(items: readonly Pick<ChecklistItem, 'status'>[]): Progress {
  const count = (status: ItemStatus) => items.filter((i) => i.status === status).length;
  return {
    total: items.length,
    done: count('done'),
    waived: count('waived'),
    na: count('na'),
    received: count('received'),
    open: count('open'),
  };
}

export function progressText(p: Progress): string {
  const extra = [
    p.waived ? `${p.waived} waived` : '',
    p.na ? `${p.na} not applicable` : '',
    p.received ? `${p.received} to review` : '',
  ].filter(Boolean);
  return `${p.done} of ${p.total} done${extra.length ? `, ${extra.join(', ')}` : ''}`;
}

export const allSettled = (p: Progress): boolean => p.done + p.waived + p.na === p.total;
