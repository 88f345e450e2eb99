/**
 * Reading a Teams digest card as its reader sees it: the lines of its text blocks, its intro, each item with the
 * Record result button under it, and dates written in the channel's locale. Shared by the Teams year simulation
 * and the Teams catch-up tests.
 */
import type { LocalDate } from '../../src/core/calendar.js';
import { cardActions } from '../helpers/teams-harness.js';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const bodyOf = (card: unknown): Json[] =>
  isRecord(card) && Array.isArray(card.body) ? card.body.filter(isRecord) : [];
const runsOf = (block: Json): Json[] => (Array.isArray(block.inlines) ? block.inlines.filter(isRecord) : []);
const textOf = (block: Json) =>
  runsOf(block)
    .map((run) => String(run.text))
    .join('');

/** Each text block of a card as one line (its runs joined). */
export function cardLines(card: unknown): string[] {
  return bodyOf(card).map(textOf);
}

/** The card's intro line ("Daily digest · <date> · …"), or '' when it has none. */
export function introOf(card: unknown): string {
  return cardLines(card).find((line) => line.startsWith('Daily digest')) ?? '';
}

/** A local date as a card writes it in the locale: "6 May 2026" (en-GB), "May 6, 2026" (en-US). */
export function cardDate(date: LocalDate, locale: 'en-GB' | 'en-US'): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const name = new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' }).format(
    Date.UTC(year, month - 1, 15),
  );
  return locale === 'en-US' ? `${name} ${day}, ${year}` : `${day} ${name} ${year}`;
}

export interface CardItem {
  /** `contractId|obligationKey`, from the item's Record result button. */
  item: string;
  /** The item's line, without its number. */
  line: string;
  /** Names after "owner" and "SRO", and whether they are bold runs. */
  named: Array<{ role: 'owner' | 'SRO'; name: string; bold: boolean; mentioned: boolean }>;
}

/**
 * Each digest item on a card: its text block and the Record result button under it (past the TextBlock of
 * mentions an escalated item has between them).
 */
export function cardItems(card: unknown): CardItem[] {
  const body = bodyOf(card);
  const items: CardItem[] = [];
  body.forEach((block, i) => {
    const next = body[i + 1]?.type === 'TextBlock' ? body[i + 2] : body[i + 1];
    const record = cardActions(next).find((a) => a.verb === 'reminder_record');
    if (block.type !== 'RichTextBlock' || next?.type !== 'ActionSet' || !record) return;
    const payload = record.data as unknown as { c: string; k: string };
    const runs = runsOf(block);
    const mentions = body[i + 1]?.type === 'TextBlock' ? String(body[i + 1]!.text) : '';
    const named: CardItem['named'] = [];
    runs.forEach((run, j) => {
      const role = run.text === ' · owner ' ? 'owner' : run.text === ' · SRO ' ? 'SRO' : undefined;
      const name = runs[j + 1];
      if (role && name) {
        const text = String(name.text);
        named.push({
          role,
          name: text,
          bold: name.weight === 'Bolder',
          mentioned: mentions.includes(`<at>${text}</at>`),
        });
      }
    });
    items.push({ item: `${payload.c}|${payload.k}`, line: textOf(block).replace(/^\d+\. /, ''), named });
  });
  return items;
}
