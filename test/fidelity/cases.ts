/**
 * The public-cases suite: real public-sector systems whose classification was published by the body that runs
 * them (`test/fixtures/cases/*.json`), answered from the published record, and held against what the pack
 * concludes. Shared by `npm run fidelity` (the report) and `test/unit/fidelity.test.ts` (the requirement).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { answersFromFile } from '../../src/core/triage/answers-file.js';
import { evaluate } from '../../src/core/triage/engine.js';
import type { Pack } from '../../src/core/triage/pack-schema.js';
import type { Outcome } from '../../src/core/triage/types.js';

export const CASES_DIR = new URL('../fixtures/cases/', import.meta.url);

export const JURISDICTIONS = ['eu', 'us', 'uk', 'ca'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

const CaseSchema = z
  .object({
    title: z.string().min(1).max(200),
    description: z.string().min(1),
    source: z
      .object({
        register: z.enum(['ca-aia', 'us-ai-inventory-2025', 'uk-atrs', 'nl-algoritmeregister']),
        body: z.string().min(1),
        record: z.string().min(1),
        url: z.string().url(),
        retrieved: z.string().min(1),
      })
      .strict(),
    labels: z
      .object({
        ca: z.enum(['I', 'II', 'III', 'IV']).optional(),
        us: z.enum(['high-impact', 'presumed-not-high-impact', 'not-high-impact']).optional(),
        eu: z.enum(['high-risk', 'not-high-risk']).optional(),
        uk: z.literal('atrs').optional(),
      })
      .strict()
      .refine((l) => Object.keys(l).length > 0, 'At least one published label'),
    published: z.string().min(1),
    answers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
    /** Why each answer that took judgement was given; every answered question needs one, bar `go_live`. */
    judgement: z.record(z.string(), z.string().min(1)),
    /**
     * Where the published labels of one system disagree with each other (the same system, two bodies, two labels),
     * no pack can agree with both: the case says so, and the suite reports it apart instead of hiding it.
     */
    contested: z
      .object({ with: z.string().regex(/^[a-z0-9-]+\.json$/), why: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict();
export type PublicCase = z.infer<typeof CaseSchema> & { file: string };

export function loadCases(): PublicCase[] {
  return readdirSync(CASES_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ ...CaseSchema.parse(JSON.parse(readFileSync(new URL(file, CASES_DIR), 'utf8'))), file }));
}

/** What the pack says for a jurisdiction, in the register's own terms. */
export function packLabel(outcome: Outcome, jurisdiction: Jurisdiction): string {
  const c = outcome.classification;
  switch (jurisdiction) {
    case 'eu':
      return c.eu.category === 'high-risk' ? 'high-risk' : 'not-high-risk';
    case 'us':
      return c.us.highImpact ? 'high-impact' : 'not-high-impact';
    case 'uk':
      return c.uk.atrsExpected ? 'atrs' : 'no-atrs';
    case 'ca':
      return c.ca.level;
  }
}

/** "Presumed high-impact, but determined not" is a not-high-impact label: the agency looked and concluded so. */
const publishedAs = (jurisdiction: Jurisdiction, label: string) =>
  jurisdiction === 'us' && label === 'presumed-not-high-impact' ? 'not-high-impact' : label;

/** Milder first, for `at-least` claims. */
const ORDER: Record<Jurisdiction, string[]> = {
  eu: ['not-high-risk', 'high-risk'],
  us: ['not-high-impact', 'high-impact'],
  uk: ['no-atrs', 'atrs'],
  ca: ['I', 'II', 'III', 'IV'],
};

export interface Comparison {
  case: PublicCase;
  jurisdiction: Jurisdiction;
  published: string;
  pack: string;
  /** The pack says exactly what was published. */
  agrees: boolean;
  /** What the pack claims (`claims` in the pack), if anything, holds for this case. */
  claimed?: { match: 'exact' | 'at-least'; holds: boolean };
  outcome: Outcome;
}

export function compare(pack: Pack, cases: PublicCase[], on = '2026-12-01'): Comparison[] {
  return cases.flatMap((item) => {
    const read = answersFromFile(pack, { title: item.title, description: item.description, answers: item.answers });
    if (!read.ok) throw new Error(`${item.file}: ${read.problems.join('; ')}`);
    const outcome = evaluate(pack, read.answers, { on });
    return JURISDICTIONS.flatMap((jurisdiction) => {
      const label = item.labels[jurisdiction];
      if (label === undefined) return [];
      const published = publishedAs(jurisdiction, label);
      const said = packLabel(outcome, jurisdiction);
      const agrees = said === published;
      const claim = pack.claims?.[jurisdiction];
      const rank = (l: string) => ORDER[jurisdiction].indexOf(l);
      const claimed = claim && {
        match: claim.match,
        holds: claim.match === 'exact' ? agrees : rank(said) >= rank(published),
      };
      return [{ case: item, jurisdiction, published, pack: said, agrees, outcome, ...(claimed && { claimed }) }];
    });
  });
}
