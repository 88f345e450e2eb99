/**
 * The supplier request pack: each evidence item, what is asked and why, the clauses it supports and when it is
 * due, as Markdown (to send) and CSV (to track). User text (clause asks from a scan) is escaped for both: no
 * Markdown markup, no spreadsheet formulas.
 */
import { formatLocalDate } from '../calendar.js';
import { mdText } from '../markdown.js';

export { mdText };

import type { Pack } from '../triage/pack-schema.js';
import type { Procurement } from './procurement.js';

interface PackFile {
  filename: string;
  title: string;
  content: string;
}

/** A CSV cell (RFC 4180); one a spreadsheet would run as a formula starts with an apostrophe. */
export function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const STATUS: Record<string, string> = {
  open: 'asked',
  received: 'received, under review',
  done: 'accepted',
  waived: 'waived',
  na: 'not applicable',
};

export function requestPack(p: Procurement, pack: Pack | undefined): PackFile[] {
  const clauses = new Map(pack?.rules.clauses.map((c) => [c.id, c]) ?? []);
  const evidence = p.items.filter((i) => i.addressee === 'supplier');
  const clauseText = (ids: string[] | undefined) =>
    (ids ?? []).map((id) => `${id} ${clauses.get(id)?.title ?? ''}`.trim()).join('; ');
  const md: string[] = [
    `# Evidence requested: ${mdText(p.title)}`,
    '',
    `Procurement ${p.id}. Planned award ${formatLocalDate(p.awardDate)}. Please send each item by its due date;`,
    'we review each one before award.',
    '',
    '| Item | What we ask for | Why | Supports clause | Due | Status |',
    '| --- | --- | --- | --- | --- | --- |',
    ...evidence.map(
      (i) =>
        `| ${i.id} | ${mdText(i.text)} | ${mdText(i.reason ?? '')} | ${mdText(clauseText(i.supports))} | ${formatLocalDate(i.due)} | ${STATUS[i.status]} |`,
    ),
  ];
  if (p.clauseAsks.length) {
    md.push('', '## Clauses we will also ask for', '');
    for (const ask of p.clauseAsks) {
      const named = ask.ref ? `${ask.ref} ${clauses.get(ask.ref)?.title ?? ''}`.trim() : '';
      md.push(`- ${named ? `${mdText(named)}: ` : ''}${mdText(ask.text)}`);
    }
  }
  const csv = [
    ['item', 'asked_for', 'why', 'supports_clauses', 'due', 'status'].join(','),
    ...evidence.map((i) =>
      [i.id, i.text, i.reason ?? '', clauseText(i.supports), i.due, STATUS[i.status] ?? i.status]
        .map(csvCell)
        .join(','),
    ),
  ];
  return [
    { filename: `evidence-request-${p.id}.md`, title: `Evidence request: ${p.title}`, content: `${md.join('\n')}\n` },
    {
      filename: `evidence-request-${p.id}.csv`,
      title: `Evidence request (CSV): ${p.title}`,
      content: `${csv.join('\r\n')}\r\n`,
    },
  ];
}
