/**
 * Scripted answers (`answers.json`) for the command line and tests:
 * `{"answers": {"role": "recommends", "domains": ["benefits"], "contract_value": "£6.2m", "scale": "dontKnow"}}`.
 */
import { z } from 'zod';
import { checkAnswer } from './answers.js';
import { formatPath } from './pack-loader.js';
import type { Pack } from './pack-schema.js';
import type { Answers, AnswerValue } from './types.js';

export const AnswersFileSchema = z
  .object({
    title: z.string().max(200).optional(),
    description: z.string().optional(),
    answers: z.record(
      z.string(),
      z.union([z.string(), z.array(z.string())], {
        errorMap: () => ({ message: 'Expected an option id, a list of option ids, text or "dontKnow"' }),
      }),
    ),
  })
  .strict();

export type AnswersFile = z.infer<typeof AnswersFileSchema>;

const DONT_KNOW_WORDS = new Set(['dontKnow', 'dont_know']);

export type AnswersFileResult = { ok: true; title?: string; answers: Answers } | { ok: false; problems: string[] };

/** Turns the file's plain strings into answers, reporting every unknown question or option id at once. */
export function answersFromFile(pack: Pack, data: unknown): AnswersFileResult {
  const parsed = AnswersFileSchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`) };
  }
  const problems: string[] = [];
  const answers: Answers = {};
  for (const [questionId, raw] of Object.entries(parsed.data.answers)) {
    const question = pack.questions.find((q) => q.id === questionId);
    if (!question) {
      problems.push(`unknown question id "${questionId}"`);
      continue;
    }
    let value: AnswerValue;
    if (typeof raw === 'string' && DONT_KNOW_WORDS.has(raw)) value = { kind: 'dontKnow' };
    else if (question.kind === 'text') {
      if (typeof raw !== 'string') {
        problems.push(`"${questionId}": expects text, not a list`);
        continue;
      }
      value = { kind: 'text', text: raw };
    } else {
      const ids = typeof raw === 'string' ? [raw] : raw;
      const unknown = ids.filter((id) => !question.options.some((o) => o.id === id));
      if (unknown.length > 0) {
        const list = question.options.map((o) => o.id).join(', ');
        problems.push(
          `"${questionId}": unknown option id ${unknown.map((id) => `"${id}"`).join(', ')} (options: ${list})`,
        );
        continue;
      }
      if (question.kind === 'single') {
        if (typeof raw !== 'string') {
          problems.push(`"${questionId}": expects one option id, not a list`);
          continue;
        }
        value = { kind: 'option', optionId: raw };
      } else value = { kind: 'options', optionIds: ids };
    }
    const checked = checkAnswer(question, value);
    if (checked.ok) answers[questionId] = checked.value;
    else problems.push(`"${questionId}": ${checked.message}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, answers, ...(parsed.data.title === undefined ? {} : { title: parsed.data.title }) };
}
