/**
 * Reads a contract value typed by a person: "£6.2m", "6,200,000 GBP", "€3 million", "$750k", "2.5bn".
 * Only the first amount counts (a range such as "£4m–£6m" reads as £4m); the currency is the one written
 * next to it, or the only one mentioned anywhere in the text.
 */
import type { Currency } from './pack-schema.js';

export interface Money {
  amount: number;
  currency: Currency | null;
}

const MULTIPLIERS: [RegExp, number][] = [
  [/^(?:bn|billions?|b)$/i, 1e9],
  [/^(?:m|mn|mio|millions?)$/i, 1e6],
  [/^(?:k|thousands?)$/i, 1e3],
];

// Longest first so that "C$" and "US$" win over "$".
const CURRENCY_WORDS: [RegExp, Currency][] = [
  [/^(?:c\$|ca\$|cad|canadian dollars?)$/i, 'CAD'],
  [/^(?:us\$|usd|us dollars?)$/i, 'USD'],
  [/^(?:£|gbp|pounds?(?: sterling)?|sterling)$/i, 'GBP'],
  [/^(?:€|eur|euros?)$/i, 'EUR'],
  [/^(?:\$|dollars?)$/i, 'USD'],
];
const CURRENCY_TOKEN = String.raw`c\$|ca\$|us\$|£|€|\$|\b(?:cad|usd|gbp|eur|euros?|pounds?(?: sterling)?|sterling|canadian dollars?|us dollars?|dollars?)(?![a-z])`;
const NUMBER = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?`;
const MULTIPLIER = 'bn|billions?|mn|mio|millions?|thousands?|[bmk]';

// The look-behind keeps digits inside words ("Q3", "v2") from reading as amounts.
const AMOUNT = new RegExp(
  String.raw`(?<![\w.])(?<before>${CURRENCY_TOKEN})?\s*(?<number>${NUMBER})\s*(?<multiplier>(?:${MULTIPLIER})(?![a-z]))?\s*(?<after>${CURRENCY_TOKEN})?`,
  'gi',
);

function currencyOf(token: string | undefined): Currency | null {
  if (!token) return null;
  for (const [pattern, currency] of CURRENCY_WORDS) if (pattern.test(token.trim())) return currency;
  return null;
}

function numberOf(raw: string): number {
  // "6,200,000" and "6 200 000" group thousands; "6,2" is a decimal comma.
  if (/^\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?$/.test(raw)) return Number(raw.replace(/[, ]/g, ''));
  return Number(raw.replace(',', '.'));
}

interface Candidate {
  amount: number;
  currency: Currency | null;
  multiplied: boolean;
}

function candidates(text: string): Candidate[] {
  const found: Candidate[] = [];
  for (const match of text.matchAll(AMOUNT)) {
    const { before, number, multiplier, after } = match.groups!;
    // A negative value is never a contract value.
    if (text.slice(0, match.index).trimEnd().endsWith('-')) continue;
    let amount = numberOf(number!);
    if (!Number.isFinite(amount)) continue;
    if (multiplier) amount *= MULTIPLIERS.find(([pattern]) => pattern.test(multiplier))?.[1] ?? 1;
    found.push({ amount, currency: currencyOf(before) ?? currencyOf(after), multiplied: multiplier !== undefined });
  }
  return found;
}

export function parseMoney(input: string): Money | null {
  const text = input.trim();
  const found = candidates(text);
  // Prefer an amount written with its currency, then one with a multiplier ("6.2m"), then any number.
  const best = found.find((c) => c.currency) ?? found.find((c) => c.multiplied) ?? found[0];
  if (!best) return null;
  let currency = best.currency;
  if (!currency) {
    const mentioned = new Set(
      [...text.matchAll(new RegExp(CURRENCY_TOKEN, 'gi'))].map((m) => currencyOf(m[0])).filter((c) => c !== null),
    );
    if (mentioned.size === 1) currency = [...mentioned][0]!;
  }
  return { amount: Math.round(best.amount * 100) / 100, currency };
}
