import { z } from 'zod';
import type { ViewAction } from '../view.js';
import { LESSON_STAGES } from './lesson.js';

/** "Record a lesson" where one is worth asking for (a closed scan, a waiver, a breach): opens the lesson form. */
export const LESSON_OPEN = 'lesson_open';

export const LessonOpenSchema = z
  .object({
    l: z
      .string()
      .regex(/^[PC]-[0-9A-HJKMNP-TV-Z]{6}$/)
      .optional(),
    /** The stage the lesson is about, when the button knows it (a contract's end: exit). */
    s: z.enum(LESSON_STAGES).optional(),
  })
  .strict();

export function recordLessonAction(link?: string, stage?: (typeof LESSON_STAGES)[number]): ViewAction {
  return {
    id: LESSON_OPEN,
    label: 'Record a lesson',
    value: { ...(link ? { l: link } : {}), ...(stage ? { s: stage } : {}) },
  };
}

/** "3 lessons from colleagues" on a triage's summary: the lessons about the same kind of system. */
export const LESSON_RELATED = 'lesson_related';
export const LessonRelatedSchema = z.object({ d: z.string().min(1).max(100) }).strict();

export function relatedLessonsAction(dialogueId: string, count: number): ViewAction {
  return {
    id: LESSON_RELATED,
    label: `${count} lesson${count === 1 ? '' : 's'} from colleagues`,
    value: { d: dialogueId },
  };
}

export const isLessonAction = (id: string): boolean => id.startsWith('lesson_');
