import { describe, expect, it } from 'vitest';
import { parseDate } from '../../src/core/triage/dates.js';
import { bindingOn } from '../../src/core/triage/timeline.js';

describe('the go-live date', () => {
  it('reads a date or a month, and refuses what is not a calendar date', () => {
    expect(parseDate(' 2027-04-01 ')).toBe('2027-04-01');
    expect(parseDate('2027-04')).toBe('2027-04-01');
    expect(parseDate('2028-02-29')).toBe('2028-02-29');
    for (const bad of ['2027-02-29', '2027-13-01', '1 April 2027', '2027/04/01', '', '2027-04-01T00:00']) {
      expect(parseDate(bad), bad).toBeNull();
    }
  });

  it('refuses a 1 MB paste at once, before any pattern reads it', () => {
    const started = performance.now();
    expect(parseDate(`2027-04-01${' '.repeat(1_000_000)}x`)).toBeNull();
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('when a dated duty binds', () => {
  it('binds from its date; under a pending amendment, "unless moved" until the later date', () => {
    expect(bindingOn('2026-08-02', '2026-08-01')).toBe('not-yet');
    expect(bindingOn('2026-08-02', '2026-08-02')).toBe('binds');
    const pending = { date: '2026-08-02', pending: { date: '2027-12-02', by: 'an amendment' } };
    expect(bindingOn(pending, '2026-01-01')).toBe('not-yet');
    expect(bindingOn(pending, '2026-12-01')).toBe('binds-unless-moved');
    expect(bindingOn(pending, '2027-12-02')).toBe('binds');
  });
});
