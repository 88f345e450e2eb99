import type { HistoryEvent } from './event.js';

/** One event as a line of an auditor's Markdown table; table syntax in user text is neutralised. */
export function markdownRow(event: HistoryEvent): string {
  const who =
    event.by.platform === 'system'
      ? `system (${event.by.id})`
      : `${event.by.name ?? event.by.id} (${event.by.platform} ${event.by.id})`;
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
  const details = JSON.stringify(event.data);
  return `| ${event.seq} | ${event.at} | ${cell(who)} | ${cell(event.kind)} | ${cell(details.length > 500 ? `${details.slice(0, 500)}…` : details)} |`;
}

export function markdownHeader(record: string): string {
  return `## ${record}\n\n| # | When (UTC) | Who | What | Details |\n| --- | --- | --- | --- | --- |`;
}
