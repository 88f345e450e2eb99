import type { Inline, Paragraph, View } from '../view.js';
import { HistoryActions } from './actions.js';
import type { HistoryEvent } from './event.js';

/** What each kind of event says, after who did it. */
const PHRASES: Record<string, (data: Record<string, unknown>) => string> = {
  'triage.started': (d) => `started the triage “${text(d.title)}”`,
  'triage.answered': (d) => `answered ${text(d.questionId)}: ${answer(d.value)}`,
  'triage.back': (d) => `went back to ${text(d.questionId)}`,
  'triage.completed': (d) => `completed it: ${text(d.tier)} (${text(d.score)}/${text(d.max)})`,
  'contract.registered': (d) => `registered the contract with ${text(d.supplier)}`,
  'contract.result': (d) => {
    const pulse = (d.result as { pulse?: { buyer?: unknown[]; supplier?: unknown[] } } | undefined)?.pulse;
    const scores = pulse
      ? ` (pulse: us ${(pulse.buyer ?? []).map(text).join('·')}, supplier ${(pulse.supplier ?? []).map(text).join('·')})`
      : '';
    return `recorded a result for ${text(d.obligation)}${scores}`;
  },
  'contract.result.corrected': (d) =>
    `corrected the result for ${text(d.obligation)}: ${text((d.result as { reason?: unknown } | undefined)?.reason)}`,
  'contract.snoozed': (d) =>
    `snoozed ${text(d.obligation)} until ${text(d.until)}${d.reason ? `: ${text(d.reason)}` : ''}`,
  'contract.breach': () => 'logged a breach',
  'contract.breach.corrected': (d) => {
    const breach = d.breach as { replaces?: unknown; reason?: unknown } | undefined;
    return `corrected breach ${text(breach?.replaces)}: ${text(breach?.reason)}`;
  },
  'contract.deleted': () => 'deleted the contract',
  'contract.ended': (d) => `found it ended (${text(d.on)}) and asked for a lesson`,
  'contract.reviews': (d) => `scheduled joint reviews every ${text(d.months)} months from ${text(d.first)}`,
  'contract.change': (d) => {
    const change = d.change as { id?: unknown; note?: unknown } | undefined;
    return `logged supplier change ${text(change?.id)}: ${text(change?.note)}`;
  },
  'triage.deleted': () => 'deleted the triage',
  'procurement.started': (d) => `started the checklist (planned award ${text(d.awardDate)})`,
  'procurement.item': (d) =>
    d.status
      ? `set ${text(d.item)} to ${STATUS_WORD[text(d.status)] ?? text(d.status)}${d.reason ? `: ${text(d.reason)}` : ''}`
      : `reassigned ${text(d.item)}`,
  'procurement.evidence': (d) => `attached evidence to ${text(d.item)} (for review)`,
  'procurement.ready': () => 'set it ready for award',
  'procurement.stage': (d) =>
    `moved it to ${text(d.stage)}${d.contract ? ` (${text(d.contract)})` : ''}${d.early ? `, before it was ready: ${text(d.early)}` : ''}`,
  'procurement.scan.opened': (d) => `opened consequence scan ${text(d.scan)} (${text(d.occasion)})`,
  'procurement.scan.added': (d) => `added consequence ${text(d.consequence)}`,
  'procurement.scan.sorted': (d) => `marked ${text(d.consequence)} ${text(d.set)}`,
  'procurement.scan.closed': (d) => `closed consequence scan ${text(d.scan)}`,
  'procurement.deleted': () => 'deleted the procurement with its triage',
  'lesson.recorded': () => 'recorded the lesson',
  'lesson.shared': () => 'shared it to the commons feed',
  'lesson.unshared': () => 'withdrew it from the commons feed',
  'lesson.deleted': () => 'deleted the lesson',
  'commons.subscribed': (d) => `subscribed to ${text(d.org)}’s commons feed`,
  'commons.unsubscribed': (d) => `unsubscribed from ${text(d.org)}’s commons feed`,
  'procurement.published': (d) => `recorded the ${text(d.kind)} record published, next review ${text(d.review)}`,
};

const STATUS_WORD: Record<string, string> = {
  done: 'done',
  waived: 'waived',
  na: 'not applicable',
  open: 'open',
  received: 'received',
};

function text(value: unknown): string {
  const shown = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  return shown.length > 80 ? `${shown.slice(0, 80)}…` : shown;
}

function answer(value: unknown): string {
  const v = (value ?? {}) as { kind?: unknown; optionId?: unknown; optionIds?: unknown; text?: unknown };
  if (v.kind === 'option') return text(v.optionId);
  if (v.kind === 'options' && Array.isArray(v.optionIds)) return v.optionIds.map(text).join(', ') || 'none';
  if (v.kind === 'text') return `“${text(v.text)}”`;
  if (v.kind === 'dontKnow') return 'don’t know';
  return '';
}

function line(event: HistoryEvent): Paragraph {
  const who: Inline =
    event.by.platform === 'system'
      ? 'The system'
      : { user: { id: event.by.id, ...(event.by.name ? { name: event.by.name } : {}) } };
  const phrase = PHRASES[event.kind]?.(event.data) ?? event.kind;
  return [{ date: { at: Date.parse(event.at), style: 'datetime' } }, ' ', who, ` ${phrase}`];
}

/** A record's latest events, newest last, and the export button (admins only; the service checks). */
export function historyView(record: string, events: HistoryEvent[], total: number): View {
  if (events.length === 0) {
    return {
      fallback: `No history for ${record}.`,
      blocks: [{ type: 'text', content: ['Nothing is recorded for this yet.'] }],
    };
  }
  const shown = events.length < total ? `The latest ${events.length} of ${total} events.` : `All ${total} events.`;
  return {
    fallback: `History: ${total} events`,
    heading: 'History',
    blocks: [
      { type: 'list', items: events.map(line) },
      {
        type: 'context',
        content: [
          `${shown} Record `,
          { code: record },
          '. An admin can export the whole history, verified, or delete the record.',
        ],
      },
    ],
    actions: [
      { id: HistoryActions.export, label: 'Export history', value: { r: record } },
      { id: HistoryActions.delete, label: 'Delete…', value: { r: record } },
    ],
  };
}
