import { isValidTimeZone } from './calendar.js';

/**
 * Time zones and locales that clients send (a Slack profile, a Teams activity) are checked with Intl before they
 * are used or stored: one Intl rejects would make every later date on that conversation throw.
 */
export function validTimeZone(zone: unknown): string | undefined {
  return typeof zone === 'string' && isValidTimeZone(zone) ? zone : undefined;
}

/** A BCP 47 locale Intl accepts ("en-GB"), canonicalised; anything else undefined. */
export function validLocale(locale: unknown): string | undefined {
  if (typeof locale !== 'string' || locale.length === 0 || locale.length > 35) return undefined;
  try {
    const [canonical] = Intl.getCanonicalLocales(locale);
    // Formatting with it must work too (a syntactically valid tag can still be unusable in this runtime).
    if (canonical) new Intl.DateTimeFormat(canonical);
    return canonical;
  } catch {
    return undefined;
  }
}
