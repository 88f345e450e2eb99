/** Points per answer. "Don't know" scores the question's worst case, so uncertainty never lowers a score. */
import type { Pack, Question } from './pack-schema.js';
import { type AnswerValue, selectedIds } from './types.js';

export function questionMax(question: Question): number {
  if (question.kind === 'text' || !question.scored) return 0;
  const points = question.options.filter((o) => !o.exclusive).map((o) => o.points ?? 0);
  if (question.kind === 'single' || question.score === 'max') return Math.max(0, ...points);
  const sum = points.reduce((a, b) => a + b, 0);
  return question.cap === undefined ? sum : Math.min(question.cap, sum);
}

export function answerPoints(question: Question, value: AnswerValue): number {
  if (question.kind === 'text' || !question.scored) return 0;
  if (value.kind === 'dontKnow') return questionMax(question);
  const ids = selectedIds(value);
  const points = question.options.filter((o) => ids.includes(o.id)).map((o) => o.points ?? 0);
  if (question.kind === 'single' || question.score === 'max') return Math.max(0, ...points);
  const sum = points.reduce((a, b) => a + b, 0);
  return question.cap === undefined ? sum : Math.min(question.cap, sum);
}

/** The pack's maximum counts every scored question, including ones a dialogue may skip (as the AIA does). */
export function maxScore(pack: Pick<Pack, 'questions'>): number {
  return pack.questions.reduce((total, q) => total + questionMax(q), 0);
}
