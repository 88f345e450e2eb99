/**
 * Reads a contract value typed by a person: "£6.2m", "6,200,000 GBP", "€3 million", "$750k", "2.5bn".
 * Only the first amount counts (a range such as "£4m–£6m" reads as £4m); the currency is the one written
 * next to it, or the only one mentioned anywhere in the text.
 *
 * The text is cut into tokens in one left-to-right pass (each token pattern is linear and starts with a distinct
 * character class), then amounts are read off the token list: time grows linearly with the input, whatever it
 * holds. Callers cap the text first; `parseMoney` caps it again.
 */
import type { Currency } from './pack-schema.js';

export interface Money {
  amount: number;
  currency: Currency | null;
}

/** Longer than any amount a person types; the rest of a longer text is not read. */
export const MONEY_TEXT_MAX = 500;

const MULTIPLIERS: Record<string, number> = {
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
  billions: 1e9,
  m: 1e6,
  mn: 1e6,
  mio: 1e6,
  million: 1e6,
  millions: 1e6,
  k: 1e3,
  thousand: 1e3,
  thousands: 1e3,
};

const SYMBOLS: Record<string, Currency> = { c$: 'CAD', ca$: 'CAD', us$: 'USD', '£': 'GBP', '€': 'EUR', $: 'USD' };
const WORDS: Record<string, Currency> = {
  cad: 'CAD',
  usd: 'USD',
  gbp: 'GBP',
  eur: 'EUR',
  euro: 'EUR',
  euros: 'EUR',
  pound: 'GBP',
  pounds: 'GBP',
  sterling: 'GBP',
  dollar: 'USD',
  dollars: 'USD',
};

/**
 * Tokens, tried in this order at each position: a currency symbol, a number, white space, a word, anything else
 * (one character). Numbers group thousands with commas or spaces ("6,200,000", "5 000 000") or carry one decimal
 * mark ("6.2", "6,2"). Sticky patterns are tested in place, so no match object is made per token.
 */
const SYMBOL = /ca\$|us\$|c\$|[£€$]/iuy;
const NUMBER = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?/uy;
const SPACE = /\s+/uy;
const WORD = /[a-z]+/iuy;

const Kind = { Currency: 0, Number: 1, Space: 2, Word: 3, Other: 4 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];
const CLASSES: readonly (readonly [Kind, RegExp])[] = [
  [Kind.Currency, SYMBOL],
  [Kind.Number, NUMBER],
  [Kind.Space, SPACE],
  [Kind.Word, WORD],
];

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

/**
 * How far around a number an amount reaches, in tokens: "- £ 6.2 m GBP" is a sign, a space, a currency, the number,
 * a space, a multiplier, a space, a currency. A number is read once the tokens after it are final (a currency in two
 * words, "Canadian dollars", merges the two words back into one when the second arrives).
 */
const REACH = 4;
const SETTLED = REACH + 2;
/** The last tokens kept, in a ring: enough for REACH behind the oldest number waiting to be read. */
const RING = 32;

/** The amount a text states, and the currencies it mentions anywhere (for an amount written without one). */
export interface AmountScan {
  /** The first amount written with its currency; else the first with a multiplier ("6.2m"); else the first. */
  best?: Candidate;
  mentioned: Set<Currency>;
}

/**
 * Reads the amounts in the text; no length cap (callers cap). One pass, keeping the last tokens in a small ring of
 * typed slots and only the best amount so far, and stopping at the first amount written with its currency: time
 * grows linearly with `text` whatever it holds, and memory not at all.
 */
export function scanAmounts(text: string): AmountScan {
  let withCurrency: Candidate | undefined;
  let multiplied: Candidate | undefined;
  let first: Candidate | undefined;
  const mentioned = new Set<Currency>();
  const kinds = new Uint8Array(RING);
  const starts = new Int32Array(RING);
  const ends = new Int32Array(RING);
  const currencies: (Currency | undefined)[] = new Array(RING);
  let count = 0; // tokens so far; token i sits in slot i % RING while i > count - RING
  const pending: number[] = []; // numbers not read yet

  const slot = (i: number) => i % RING;
  const kindAt = (i: number): Kind | undefined =>
    i >= 0 && i < count && i > count - RING ? (kinds[slot(i)] as Kind) : undefined;
  const wordAt = (i: number) => text.slice(starts[slot(i)]!, ends[slot(i)]!).toLowerCase();
  const after = (i: number) => (kindAt(i + 1) === Kind.Space ? i + 2 : i + 1);
  const before = (i: number) => (kindAt(i - 1) === Kind.Space ? i - 2 : i - 1);
  const push = (kind: Kind, start: number, end: number, currency?: Currency) => {
    const k = slot(count);
    kinds[k] = kind;
    starts[k] = start;
    ends[k] = end;
    currencies[k] = currency;
    count += 1;
    if (currency) mentioned.add(currency);
  };

  const read = (i: number) => {
    const b = before(i);
    const currencyBefore = kindAt(b) === Kind.Currency ? currencies[slot(b)]! : null;
    // Digits inside words ("Q3", "v2") or after a dot ("1.5.3") are not amounts; "GBP6m" is.
    const start = currencyBefore ? starts[slot(b)]! : starts[slot(i)]!;
    if (start > 0 && /[\w.]/u.test(text[start - 1]!)) return;
    // A negative value is never a contract value: "-5m", "-£5m", "£-5m".
    const sign = currencyBefore ? before(b) : b;
    if (kindAt(sign) === Kind.Other && ['-', '−'].includes(text[starts[slot(sign)]!]!)) return;
    let amount = numberOf(text.slice(starts[slot(i)]!, ends[slot(i)]!));
    if (!Number.isFinite(amount)) return;
    let next = after(i);
    const multiplier = kindAt(next) === Kind.Word ? MULTIPLIERS[wordAt(next)] : undefined;
    if (multiplier) {
      amount *= multiplier;
      next = after(next);
    }
    const currencyAfter = kindAt(next) === Kind.Currency ? currencies[slot(next)]! : null;
    const candidate = { amount, currency: currencyBefore ?? currencyAfter, multiplied: multiplier !== undefined };
    first ??= candidate;
    if (candidate.multiplied) multiplied ??= candidate;
    if (candidate.currency) withCurrency = candidate;
  };

  let at = 0;
  while (at < text.length && !withCurrency) {
    // The first class that matches here, tested in place (no match object); else one character of "other".
    let kind: Kind = Kind.Other;
    let end = at + 1;
    for (const [candidate, pattern] of CLASSES) {
      pattern.lastIndex = at;
      if (pattern.test(text)) {
        kind = candidate;
        end = pattern.lastIndex;
        break;
      }
    }
    if (kind === Kind.Currency) push(Kind.Currency, at, end, SYMBOLS[text.slice(at, end).toLowerCase()]);
    else if (kind === Kind.Number) {
      pending.push(count);
      push(Kind.Number, at, end);
    } else if (kind === Kind.Space) push(Kind.Space, at, end);
    else if (kind === Kind.Word) {
      const lower = text.slice(at, end).toLowerCase();
      const currency = WORDS[lower];
      const first = count >= 2 && kindAt(count - 1) === Kind.Space ? count - 2 : -1;
      const firstWord = first >= 0 && kindAt(first) === Kind.Word ? wordAt(first) : undefined;
      if (currency && (lower === 'dollars' || lower === 'dollar') && (firstWord === 'canadian' || firstWord === 'us')) {
        // "Canadian dollars", "US dollars": the two words are one currency.
        count = first;
        push(Kind.Currency, starts[slot(first)]!, end, firstWord === 'us' ? 'USD' : 'CAD');
      } else if (currency && lower === 'sterling' && first >= 0 && kindAt(first) === Kind.Currency) {
        // "pounds sterling": the pounds already said it.
        count = first + 1;
      } else push(currency ? Kind.Currency : Kind.Word, at, end, currency);
    } else push(Kind.Other, at, end);
    at = end;
    while (pending.length > 0 && pending[0]! + SETTLED < count && !withCurrency) read(pending.shift()!);
  }
  for (const i of pending) if (!withCurrency) read(i);
  return { best: withCurrency ?? multiplied ?? first, mentioned };
}

export function parseMoney(input: string): Money | null {
  const { best, mentioned } = scanAmounts(input.slice(0, MONEY_TEXT_MAX).trim());
  if (!best) return null;
  const currency = best.currency ?? (mentioned.size === 1 ? [...mentioned][0]! : null);
  return { amount: Math.round(best.amount * 100) / 100, currency };
}
