/**
 * A transparency record drafted from what the bot knows: each field of the register's own list, with its value or,
 * where the bot cannot know it, a to-do saying what to fill in. Rendered as one Markdown file holding the to-do list,
 * the draft field by field, and the same draft as JSON for the register's own tooling.
 */

import { mdText as md } from '../markdown.js';

export const DRAFT_KINDS = ['atrs', 'us-inventory', 'nl-register', 'eu-db'] as const;
export type DraftKind = (typeof DRAFT_KINDS)[number];

export const DRAFT_NAMES: Record<DraftKind, string> = {
  atrs: 'UK Algorithmic Transparency Recording Standard (ATRS) v4.0 record, Tier 1 and Tier 2',
  'us-inventory': 'US federal AI use case inventory row (2025, OMB M-25-21)',
  'nl-register': 'Dutch Algoritmeregister entry (publicatiestandaard 1.0)',
  'eu-db': 'EU database items for a public-authority deployer (AI Act Annex VIII, Section C)',
};

export interface DraftField {
  /** The field's name exactly as the register lists it (ATRS: its printed name; US: its data-dictionary key). */
  name: string;
  /** Where the register groups it (an ATRS section, a US block). */
  section: string;
  value?: string | string[];
  /** What the bot could not know, and where to find it. */
  todo?: string;
  /** Where the value came from (the triage answer, the contract, the checklist). */
  from?: string;
}

export interface Draft {
  kind: DraftKind;
  title: string;
  /** The procurement (and contract) it was drafted from, and when. */
  source: string;
  /** The procurement's id, for the command that records it published. */
  procurementId?: string;
  fields: DraftField[];
  /** Things to know before publishing (the language a register expects, a restricted section). */
  notes?: string[];
  /** What the validation against the official field list found, or why it was skipped. */
  validation?: { ok: boolean; problems: string[]; skipped?: string };
}

export const known = (name: string, section: string, value: string | string[], from: string): DraftField => ({
  name,
  section,
  value,
  from,
});
export const todo = (name: string, section: string, what: string): DraftField => ({ name, section, todo: what });

const shown = (v: string | string[]) => (Array.isArray(v) ? v.join('; ') : v);

export function draftMarkdown(draft: Draft): string {
  const todos = draft.fields.filter((f) => f.todo !== undefined);
  const lines = [
    `# Draft: ${DRAFT_NAMES[draft.kind]}`,
    '',
    `**${md(draft.title)}** · ${md(draft.source)}`,
    '',
    draft.validation?.skipped
      ? `Not validated: ${md(draft.validation.skipped)}`
      : draft.validation?.ok
        ? 'Checked against the official field list: every field is the register’s own, and every choice is one it allows.'
        : `Validation found problems: ${md((draft.validation?.problems ?? []).join('; '))}`,
    ...(draft.notes?.length ? ['', ...draft.notes.map((n) => `> ${md(n)}`)] : []),
    '',
    `## To do (${todos.length} of ${draft.fields.length} fields)`,
    '',
    ...todos.map((f) => `- [ ] **${md(f.name)}** (${md(f.section)}): ${md(f.todo ?? '')}`),
    '',
    '## The draft',
    '',
    '| Section | Field | Value | From |',
    '| --- | --- | --- | --- |',
    ...draft.fields.map(
      (f) =>
        `| ${md(f.section)} | ${md(f.name)} | ${f.value !== undefined ? md(shown(f.value)) : '_to do_'} | ${md(f.from ?? '')} |`,
    ),
    '',
    `Once it is published, tell the bot, so its review comes up as a documentation refresh: \`published ${draft.kind} ${draft.procurementId ?? '<procurement id>'} <next review date>\`.`,
    '',
    '## As JSON',
    '',
    '```json',
    // A backtick typed by someone cannot close the fence: inside JSON strings it is written as its escape.
    JSON.stringify(draftJson(draft), null, 2).replace(/`/g, '\\u0060'),
    '```',
    '',
  ];
  return lines.join('\n');
}

/** The draft's values by field name; fields still to do are null. */
export function draftJson(draft: Draft): Record<string, string | string[] | null> {
  return Object.fromEntries(draft.fields.map((f) => [f.name, f.value ?? null]));
}
