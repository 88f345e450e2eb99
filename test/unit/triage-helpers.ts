/** Shared by the triage tests: the default pack and the scripted answer fixtures. */
import { readFileSync } from 'node:fs';
import { answersFromFile } from '../../src/core/triage/answers-file.js';
import { DEFAULT_PACK_URL, parsePack } from '../../src/core/triage/pack-loader.js';
import type { Pack } from '../../src/core/triage/pack-schema.js';
import type { Answers } from '../../src/core/triage/types.js';

export const DEFAULT_PACK_TEXT = readFileSync(DEFAULT_PACK_URL, 'utf8');
export const pack: Pack = parsePack(DEFAULT_PACK_TEXT, 'prompts/triage/default.yaml');

export const FIXTURES = [
  'internal-drafting-aid',
  'citizen-faq-chatbot',
  'benefits-scoring',
  'automated-enforcement',
  'social-scoring',
  'partial-caseworker-summaries',
] as const;

export function fixturePath(name: (typeof FIXTURES)[number]): string {
  return `test/fixtures/answers/${name}.json`;
}

const readFixture = (name: (typeof FIXTURES)[number]): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/answers/${name}.json`, import.meta.url), 'utf8'));

export function fixture(name: (typeof FIXTURES)[number]): { title: string; answers: Answers } {
  const data = readFixture(name);
  const result = answersFromFile(pack, data);
  if (!result.ok) throw new Error(`fixture ${name}: ${result.problems.join('; ')}`);
  return { title: result.title ?? name, answers: result.answers };
}

/**
 * A fixture's answers as the file writes them, in question order: question id → option id, option ids or typed
 * text ("dontKnow" for Don't know). What the end-to-end tests click and type.
 */
export function rawAnswers(name: (typeof FIXTURES)[number]): Record<string, string | string[]> {
  return (readFixture(name) as { answers: Record<string, string | string[]> }).answers;
}

export const option = (optionId: string) => ({ kind: 'option', optionId }) as const;
export const options = (...optionIds: string[]) => ({ kind: 'options', optionIds }) as const;
export const text = (value: string) => ({ kind: 'text', text: value }) as const;
export const DK = { kind: 'dontKnow' } as const;
