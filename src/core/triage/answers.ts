/** Checking one answer against its question, and showing an answer to people. */
import { parseDate } from './dates.js';
import { parseMoney } from './money.js';
import type { Pack, Question } from './pack-schema.js';
import { type AnswerValue, selectedIds } from './types.js';

export const DONT_KNOW_LABEL = "Don't know";

export type AnswerCheck = { ok: true; value: AnswerValue } | { ok: false; message: string };

const fail = (message: string): AnswerCheck => ({ ok: false, message });

export function findQuestion(pack: Pack, questionId: string): Question | undefined {
  return pack.questions.find((q) => q.id === questionId);
}

export function optionLabel(question: Question, optionId: string): string {
  if (question.kind === 'text') return optionId;
  return question.options.find((o) => o.id === optionId)?.label ?? optionId;
}

export function describeAnswer(question: Question, value: AnswerValue): string {
  switch (value.kind) {
    case 'dontKnow':
      return DONT_KNOW_LABEL;
    case 'option':
      return optionLabel(question, value.optionId);
    case 'options':
      return value.optionIds.map((id) => optionLabel(question, id)).join(', ');
    case 'text':
      return value.text;
  }
}

/** Returns the answer in its normal form (multi-choice ids deduplicated in pack order, text trimmed). */
export function checkAnswer(question: Question, value: AnswerValue): AnswerCheck {
  if (value.kind === 'dontKnow') {
    return question.dontKnow.allowed
      ? { ok: true, value }
      : fail(`This question needs an answer: “${DONT_KNOW_LABEL}” is not available here.`);
  }
  if (question.kind === 'text') {
    if (value.kind !== 'text') return fail('Please type your answer.');
    // Measured before anything else reads it: a huge paste is refused as it comes.
    if (value.text.length > question.maxLength * 4 + 1000) {
      return fail(`That is too long: please keep it to ${question.maxLength} characters.`);
    }
    const text = value.text.trim();
    if (text.length === 0) return fail(`The answer is empty. Please type something, or choose “${DONT_KNOW_LABEL}”.`);
    const length = [...text].length;
    if (length > question.maxLength) {
      return fail(`That is too long: please keep it to ${question.maxLength} characters (yours has ${length}).`);
    }
    if (question.parse === 'money') {
      const money = parseMoney(text);
      if (!money) return fail('I couldn’t read an amount from that. Try something like £6.2m or 450,000 GBP.');
      if (!money.currency) return fail('Please include the currency, for example £6.2m, €3m or 450,000 GBP.');
    }
    if (question.parse === 'date' && parseDate(text) === null) {
      return fail('Please write the date as YYYY-MM-DD, for example 2027-04-01 (or a month, 2027-04).');
    }
    return { ok: true, value: { kind: 'text', text } };
  }
  const choices = `Choose one of: ${question.options.map((o) => o.label).join(', ')}.`;
  if (question.kind === 'single') {
    if (value.kind !== 'option') return fail(`Please pick one option. ${choices}`);
    if (!question.options.some((o) => o.id === value.optionId)) return fail(`That option is not available. ${choices}`);
    return { ok: true, value };
  }
  const ids = value.kind === 'option' ? [value.optionId] : value.kind === 'options' ? value.optionIds : null;
  if (ids === null) return fail(`Please pick options from the list. ${choices}`);
  const exclusive = question.options.filter((o) => o.exclusive);
  if (ids.length === 0) {
    return fail(`Pick at least one option${exclusive.length ? `, or “${exclusive[0]!.label}”` : ''}.`);
  }
  if (ids.some((id) => !question.options.some((o) => o.id === id)))
    return fail(`That option is not available. ${choices}`);
  const chosen = question.options.filter((o) => ids.includes(o.id));
  const lone = chosen.find((o) => o.exclusive);
  if (lone && chosen.length > 1) return fail(`“${lone.label}” can’t be combined with other options.`);
  return { ok: true, value: { kind: 'options', optionIds: chosen.map((o) => o.id) } };
}

export function validateAnswer(pack: Pack, questionId: string, value: AnswerValue): AnswerCheck {
  const question = findQuestion(pack, questionId);
  if (!question) return fail('That question is not part of this questionnaire.');
  return checkAnswer(question, value);
}

/** The option ids an answer selected: none when unanswered, "Don't know" or text. */
export function answerIds(answers: Readonly<Record<string, { value: AnswerValue } | undefined>>, questionId: string) {
  const value = answers[questionId]?.value;
  return value ? selectedIds(value) : [];
}

/**
 * What a triage says about the kind of system, in the words lessons are tagged with: the domains it touches (the
 * default pack's `domains`, less "none") and its technique. One place names these question ids.
 */
export function systemTags(answers: Readonly<Record<string, { value: AnswerValue } | undefined>>): {
  domains: string[];
  technique?: string;
} {
  const technique = answerIds(answers, 'technique')[0];
  return {
    domains: answerIds(answers, 'domains').filter((d) => d !== 'none'),
    ...(technique ? { technique } : {}),
  };
}
