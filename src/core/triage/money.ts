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
 * Tokens, tried in this order at each position: a currency symbol, a number, a word, white space, anything else.
 * Numbers group thousands with commas or spaces ("6,200,000", "5 000 000") or carry one decimal mark ("6.2", "6,2").
 */
const TOKEN =
  /(?<symbol>ca\$|us\$|c\$|[£€$])|(?<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)|(?<word>[a-z]+)|(?<space>\s+)|(?<other>[\s\S])/giu;

type Token =
  | { kind: 'currency'; currency: Currency; at: number }
  | { kind: 'number'; text: string; at: number }
  | { kind: 'word'; text: string; at: number }
  | { kind: 'space'; at: number }
  | { kind: 'other'; text: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const { symbol, number, word, space } = match.groups!;
    const at = match.index;
    if (symbol) tokens.push({ kind: 'currency', currency: SYMBOLS[symbol.toLowerCase()]!, at });
    else if (number) tokens.push({ kind: 'number', text: number, at });
    else if (word) {
      const lower = word.toLowerCase();
      const currency = WORDS[lower];
      const previous = tokens.at(-1);
      // "Canadian dollars", "US dollars", "pounds sterling": the pair is one currency.
      const pair = tokens.at(-2);
      if (currency && previous?.kind === 'space' && pair?.kind === 'word') {
        const first = pair.text.toLowerCase();
        if ((lower === 'dollars' || lower === 'dollar') && (first === 'canadian' || first === 'us')) {
          tokens.splice(-2, 2, { kind: 'currency', currency: first === 'us' ? 'USD' : 'CAD', at: pair.at });
          continue;
        }
      }
      if (currency && lower === 'sterling' && previous?.kind === 'space' && pair?.kind === 'currency') {
        tokens.pop(); // "pounds sterling": the pounds already said it
        continue;
      }
      tokens.push(currency ? { kind: 'currency', currency, at } : { kind: 'word', text: lower, at });
    } else if (space) tokens.push({ kind: 'space', at });
    else tokens.push({ kind: 'other', text: match[0], at });
  }
  return tokens;
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

/** The next token after `i` that is not white space. */
function after(tokens: Token[], i: number): number {
  let j = i + 1;
  if (tokens[j]?.kind === 'space') j += 1;
  return j;
}

function before(tokens: Token[], i: number): number {
  let j = i - 1;
  if (tokens[j]?.kind === 'space') j -= 1;
  return j;
}

/** Every amount in the text, in order; no length cap (callers cap), so its cost is linear in `text`. */
export function moneyCandidates(text: string): { candidates: Candidate[]; mentioned: Set<Currency> } {
  const tokens = tokenize(text);
  const candidates: Candidate[] = [];
  const mentioned = new Set<Currency>();
  for (const [i, token] of tokens.entries()) {
    if (token.kind === 'currency') mentioned.add(token.currency);
    if (token.kind !== 'number') continue;
    const b = before(tokens, i);
    const currencyBefore = tokens[b]?.kind === 'currency' ? (tokens[b] as { currency: Currency }).currency : null;
    // Digits inside words ("Q3", "v2") or after a dot ("1.5.3") are not amounts; "GBP6m" is.
    const start = currencyBefore ? tokens[b]!.at : token.at;
    if (start > 0 && /[\w.]/u.test(text[start - 1]!)) continue;
    // A negative value is never a contract value: "-5m", "-£5m", "£-5m".
    const sign = tokens[currencyBefore ? before(tokens, b) : b];
    if (sign?.kind === 'other' && (sign.text === '-' || sign.text === '−')) continue;
    let amount = numberOf(token.text);
    if (!Number.isFinite(amount)) continue;
    let next = after(tokens, i);
    const word = tokens[next];
    const multiplier = word?.kind === 'word' ? MULTIPLIERS[word.text] : undefined;
    if (multiplier) {
      amount *= multiplier;
      next = after(tokens, next);
    }
    const following = tokens[next];
    const currencyAfter = following?.kind === 'currency' ? following.currency : null;
    candidates.push({ amount, currency: currencyBefore ?? currencyAfter, multiplied: multiplier !== undefined });
  }
  return { candidates, mentioned };
}

export function parseMoney(input: string): Money | null {
  const { candidates, mentioned } = moneyCandidates(input.slice(0, MONEY_TEXT_MAX).trim());
  // Prefer an amount written with its currency, then one with a multiplier ("6.2m"), then any number.
  const best = candidates.find((c) => c.currency) ?? candidates.find((c) => c.multiplied) ?? candidates[0];
  if (!best) return null;
  const currency = best.currency ?? (mentioned.size === 1 ? [...mentioned][0]! : null);
  return { amount: Math.round(best.amount * 100) / 100, currency };
}
