import { z } from 'zod';
import type { ViewAction } from '../view.js';

/** "Record a lesson" where one is worth asking for (a closed scan, a waiver, a breach): opens the lesson form. */
export const LESSON_OPEN = 'lesson_open';

export const LessonOpenSchema = z
  .object({
    l: z
      .string()
      .regex(/^[PC]-[0-9A-HJKMNP-TV-Z]{6}$/)
      .optional(),
  })
  .strict();

export function recordLessonAction(link?: string): ViewAction {
  return { id: LESSON_OPEN, label: 'Record a lesson', value: link ? { l: link } : {} };
}

export const isLessonAction = (id: string): boolean => id.startsWith('lesson_');
