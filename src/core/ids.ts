import { randomInt } from 'node:crypto';

// Crockford's base32: no I, L, O or U, so an id read aloud or typed from a screen is hard to get wrong.
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short, human-friendly record id such as 'C-7K2M9Q' or 'P-3F8R1A' (30 random bits; callers check for clashes). */
export function newShortId(prefix: string, random: (max: number) => number = randomInt): string {
  let id = `${prefix}-`;
  for (let i = 0; i < 6; i += 1) id += BASE32[random(32)];
  return id;
}

/** Ids are typed by people: accept lower case, a missing dash and the letters Crockford confuses. */
export function normaliseShortId(prefix: string, raw: string): string {
  const upper = raw
    .trim()
    .toUpperCase()
    .replace(new RegExp(`^${prefix}(?!-)`), `${prefix}-`);
  const head = prefix.length + 1;
  return upper.slice(0, head) + upper.slice(head).replace(/[IL]/g, '1').replace(/O/g, '0');
}

/** A new id nobody in the tenant has: `next` until `taken` says no, a few times (30 random bits rarely clash). */
export async function freeShortId(next: () => string, taken: (id: string) => Promise<boolean>, what: string) {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const id = next();
    if (!(await taken(id))) return id;
  }
  throw new Error(`No free ${what} id after 20 attempts`);
}
