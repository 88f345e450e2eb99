/**
 * A lesson: what happened and what we would do differently, tagged so colleagues find it (supplier, domain,
 * technique, tier, stage, outcome) and linked to the procurement or contract it came from. Validated on every read.
 */
import { z } from 'zod';
import { UserRefSchema } from '../triage/dialogue.js';
import { TIERS } from '../triage/types.js';

export const LESSON_STAGES = ['triage', 'award', 'live', 'exit'] as const;
export const LESSON_OUTCOMES = ['worked', 'failed', 'near-miss'] as const;
export const LESSON_TEXT_MAX = 2000;
export const TAG_MAX = 100;

export const LessonSchema = z
  .object({
    v: z.literal(1),
    id: z.string().regex(/^L-[0-9A-HJKMNP-TV-Z]{6}$/),
    tenant: z.string().min(1),
    happened: z.string().min(1).max(LESSON_TEXT_MAX),
    differently: z.string().min(1).max(LESSON_TEXT_MAX),
    tags: z
      .object({
        supplier: z.string().max(TAG_MAX).optional(),
        /** The pack's domain option ids (benefits, health…). */
        domains: z.array(z.string().max(40)).max(12),
        technique: z.string().max(40).optional(),
        tier: z.enum(TIERS).optional(),
        stage: z.enum(LESSON_STAGES),
        outcome: z.enum(LESSON_OUTCOMES),
      })
      .strict(),
    /** The procurement (P-…) or contract (C-…) it came from. */
    link: z
      .string()
      .regex(/^[PC]-[0-9A-HJKMNP-TV-Z]{6}$/)
      .optional(),
    by: UserRefSchema,
    at: z.string().datetime(),
  })
  .strict();
export type Lesson = z.infer<typeof LessonSchema>;
