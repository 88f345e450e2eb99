/**
 * The review step before a lesson leaves the organisation: names and personal data are taken out of its text, and
 * the admin sees what was taken and the result before sharing. The patterns catch what lessons usually carry (an
 * email address, a phone number, a chat mention, "Mrs Patel", a National Insurance number, a postcode, a link's
 * query string, and the names of people the bot knows); the admin's reading is the check that catches the rest.
 * Text is capped before any pattern reads it, and every pattern is linear (no nested quantifiers).
 */

export const REDACT_INPUT_MAX = 4000;

export type Removed = Record<RemovedKind, number>;
export type RemovedKind = 'email' | 'phone' | 'mention' | 'name' | 'id' | 'postcode' | 'link';

const MARK: Record<RemovedKind, string> = {
  email: '[email removed]',
  phone: '[phone removed]',
  mention: '[name removed]',
  name: '[name removed]',
  id: '[ID removed]',
  postcode: '[postcode removed]',
  link: '',
};

const PATTERNS: [RemovedKind, RegExp][] = [
  // Slack's <@U…>, <!channel>, <#C…|name>; Teams' <at>…</at>.
  ['mention', /<[@!#][^<>]{1,100}>|<at>[^<]{0,100}<\/at>/g],
  ['email', /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/g],
  // UK National Insurance numbers (any two letters: the placeholder QQ 12 34 56 C is caught too).
  ['id', /\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/gi],
  // UK postcodes, in either case.
  ['postcode', /\b[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}\b/gi],
  // A title and one or two names ("Mrs Patel", "MR O'BRIEN", "Dr Bowes-Lyon"); the title as written, not any case
  // ("MS Teams" stays: in capitals, only the titles that are not also words).
  [
    'name',
    /\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Cllr|Councillor|Sir|Dame|MR|MRS|MISS|DR|PROF|CLLR)\.? [A-Z][A-Za-z'’-]{1,30}(?: [A-Z][A-Za-z'’-]{1,30})?/g,
  ],
];

/** A run of digits with the separators phone numbers are written with; a number only if it has 9 digits or more. */
const PHONE = /\+?\d[\d ().-]{7,20}\d/g;
/** A link's query string or fragment (where tokens, case numbers and email addresses travel). */
const LINK_TAIL = /(https?:\/\/[^\s?#<>]{1,300})[?#][^\s<>]{0,1000}/g;

export function emptyRemoved(): Removed {
  return { email: 0, phone: 0, mention: 0, name: 0, id: 0, postcode: 0, link: 0 };
}

/**
 * `text` without the personal data found in it; `people` are names the bot knows (the author, the tenant's role
 * holders), matched as whole words without regard to case.
 */
export function redact(text: string, people: readonly string[] = [], removed = emptyRemoved()) {
  let out = text.slice(0, REDACT_INPUT_MAX);
  out = out.replace(LINK_TAIL, (_, base: string) => {
    removed.link += 1;
    return base;
  });
  for (const [kind, pattern] of PATTERNS) {
    out = out.replace(pattern, () => {
      removed[kind] += 1;
      return MARK[kind];
    });
  }
  out = out.replace(PHONE, (match) => {
    if (match.replace(/\D/g, '').length < 9) return match;
    removed.phone += 1;
    return MARK.phone;
  });
  for (const name of namesToFind(people)) out = removeWord(out, name, removed);
  return { text: out, removed };
}

/** Full names first, then each part of three letters or more (a surname alone is still a name). */
function namesToFind(people: readonly string[]): string[] {
  const names = new Set<string>();
  for (const raw of people) {
    const name = raw.trim().slice(0, 100);
    if (name.length < 3) continue;
    names.add(name);
    // A handle ("jo.bloggs") names its person too.
    for (const part of name.split(/[\s._-]+/)) if (part.length >= 3) names.add(part);
  }
  return [...names].sort((a, b) => b.length - a.length);
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

/** Every whole-word occurrence of `word`, any case: a scan with indexOf, no pattern built from a name. */
function removeWord(text: string, word: string, removed: Removed): string {
  // Lower-casing keeps positions for nearly every text; where it would not (a dotted İ), case must match.
  const sameLength = text.toLowerCase().length === text.length && word.toLowerCase().length === word.length;
  const lower = sameLength ? text.toLowerCase() : text;
  const needle = sameLength ? word.toLowerCase() : word;
  let out = '';
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) {
    if (isWordChar(text[at - 1]) || isWordChar(text[at + needle.length])) continue;
    out += text.slice(from, at) + MARK.name;
    from = at + needle.length;
    removed.name += 1;
  }
  return out + text.slice(from);
}

const SAID: Record<RemovedKind, [string, string]> = {
  email: ['email address', 'email addresses'],
  phone: ['phone number', 'phone numbers'],
  mention: ['mention', 'mentions'],
  name: ['name', 'names'],
  id: ['National Insurance number', 'National Insurance numbers'],
  postcode: ['postcode', 'postcodes'],
  link: ['link query string', 'link query strings'],
};

/** "2 email addresses, 1 name", or undefined when nothing was taken out. */
export function describeRemoved(removed: Removed): string | undefined {
  const parts = (Object.keys(SAID) as RemovedKind[])
    .filter((k) => removed[k] > 0)
    .map((k) => `${removed[k]} ${SAID[k][removed[k] === 1 ? 0 : 1]}`);
  return parts.length ? parts.join(', ') : undefined;
}

export const anyRemoved = (removed: Removed) => Object.values(removed).some((n) => n > 0);
