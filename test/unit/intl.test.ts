import { describe, expect, it } from 'vitest';
import { validLocale, validTimeZone } from '../../src/core/intl.js';

describe('time zones and locales a client sends', () => {
  it.each([
    ['Europe/London', 'Europe/London'],
    ['America/New_York', 'America/New_York'],
    ['UTC', 'UTC'],
    ['Mars/Olympus_Mons', undefined],
    ['Europe/London\u0000', undefined],
    ['x'.repeat(200), undefined],
    [42, undefined],
  ])('zone %j is %j', (zone, expected) => {
    expect(validTimeZone(zone)).toBe(expected);
  });

  it.each([
    ['en-GB', 'en-GB'],
    ['en-us', 'en-US'],
    ['fr', 'fr'],
    ['not a locale!', undefined],
    ['', undefined],
    ['en-'.repeat(50), undefined],
    [undefined, undefined],
  ])('locale %j is %j', (locale, expected) => {
    expect(validLocale(locale)).toBe(expected);
  });
});
