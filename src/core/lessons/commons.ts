/**
 * The commons: lessons an admin shared outside the organisation (published in its signed feed), and the feeds of
 * other organisations a tenant subscribes to, with the lessons verified from them. Validated on every read.
 */
import { z } from 'zod';
import { UserRefSchema } from '../triage/dialogue.js';
import { LESSON_TEXT_MAX, LessonSchema } from './lesson.js';

export const LESSON_ID = /^L-[0-9A-HJKMNP-TV-Z]{6}$/;
export const ORG_MAX = 120;
/** Items a feed publishes, and lessons kept from one subscription. */
export const FEED_MAX_ITEMS = 500;
export const SUBSCRIPTIONS_MAX = 20;
export const URL_MAX = 500;

export const TagsSchema = LessonSchema.shape.tags;
export type LessonTags = z.infer<typeof TagsSchema>;

/** A lesson as shared: its text after the review, its tags; who shared it stays here and is never published. */
export const SharedLessonSchema = z
  .object({
    v: z.literal(1),
    id: z.string().regex(LESSON_ID),
    tenant: z.string().min(1),
    happened: z.string().min(1).max(LESSON_TEXT_MAX),
    differently: z.string().min(1).max(LESSON_TEXT_MAX),
    tags: TagsSchema,
    sharedBy: UserRefSchema,
    sharedAt: z.string().datetime(),
  })
  .strict();
export type SharedLesson = z.infer<typeof SharedLessonSchema>;

/** A lesson read from another organisation's feed, its signature verified. */
export const CommonsLessonSchema = z
  .object({
    id: z.string().min(1).max(100),
    happened: z.string().min(1).max(LESSON_TEXT_MAX),
    differently: z.string().min(1).max(LESSON_TEXT_MAX),
    tags: TagsSchema,
    at: z.string().datetime({ offset: true }),
    source: z.string().min(1).max(ORG_MAX),
  })
  .strict();
export type CommonsLesson = z.infer<typeof CommonsLessonSchema>;

/** One tenant's subscription to a feed: the key pinned when it was added, what the last pull brought. */
export const SubscriptionSchema = z
  .object({
    v: z.literal(1),
    id: z.string().min(1).max(40),
    tenant: z.string().min(1),
    url: z.string().url().max(URL_MAX),
    org: z.string().min(1).max(ORG_MAX),
    /** The publisher's Ed25519 public key (SPKI, PEM), pinned on subscribing: a later key is not taken on trust. */
    publicKey: z.string().min(1).max(1000),
    keyId: z.string().min(1).max(100),
    etag: z.string().max(200).optional(),
    lastModified: z.string().max(100).optional(),
    lessons: z.array(CommonsLessonSchema).max(FEED_MAX_ITEMS),
    /** Items the last pull refused (a bad signature, an unreadable item), and why, for the admin. */
    refused: z.number().int().min(0),
    refusedWhy: z.string().max(300).optional(),
    lastPullAt: z.string().datetime().optional(),
    lastError: z.string().max(300).optional(),
    addedBy: UserRefSchema,
    addedAt: z.string().datetime(),
  })
  .strict();
export type Subscription = z.infer<typeof SubscriptionSchema>;

/** What one pull of a feed found: new lessons (or unchanged, for a 304), and how many items it refused. */
export type PullResult =
  | { kind: 'unchanged' }
  | {
      kind: 'changed';
      lessons: CommonsLesson[];
      refused: number;
      refusedWhy?: string;
      etag?: string;
      lastModified?: string;
    };

/** The publisher a feed URL names, read when subscribing: its organisation and key, to pin. */
export interface Publisher {
  org: string;
  publicKey: string;
  keyId: string;
}
