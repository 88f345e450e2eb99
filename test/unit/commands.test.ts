import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/core/commands.js';

describe('the commands both platforms understand', () => {
  it.each([
    ['contracts', { kind: 'contracts' }],
    ['kpi', { kind: 'kpi' }],
    ['contracts export c-7k2m9q', { kind: 'export', contractId: 'C-7K2M9Q' }],
    ['config timezone America/New_York', { kind: 'config-timezone', timeZone: 'America/New_York' }],
    ['config hour 8', { kind: 'config-hour', hour: 8 }],
    ['config hour 0', { kind: 'config-hour', hour: 0 }],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each([
    ['contracts export', 'Which contract?'],
    ['contracts delete C-1', 'Usage: contracts, or contracts export <id>'],
    ['config timezone Mars/Olympus', 'is not a time zone I know'],
    ['config timezone', 'Which time zone?'],
    ['config hour 24', 'a whole hour from 0 to 23'],
    ['config hour nine', 'a whole hour from 0 to 23'],
  ])('%j is answered with usage', (text, problem) => {
    const parsed = parseCommand(text);
    expect(parsed.kind === 'usage' && parsed.problem).toContain(problem);
  });
});
