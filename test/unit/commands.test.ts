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
    ['roles', { kind: 'roles' }],
    ['roles add <@U1|ana> procurement', { kind: 'roles-change', change: 'add', who: '<@U1|ana>', role: 'procurement' }],
    ['Roles Remove @Ann Other ADMIN', { kind: 'roles-change', change: 'remove', who: '@Ann Other', role: 'admin' }],
    ['roles guests bar', { kind: 'roles-guests', barred: true }],
    ['roles guests allow', { kind: 'roles-guests', barred: false }],
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
    ['roles add <@U1> owner', 'Usage: roles, roles add @person admin|procurement'],
    ['roles add admin', 'Usage: roles, roles add @person admin|procurement'],
    ['roles give <@U1> admin', 'Usage: roles'],
    ['roles guests maybe', 'Usage: roles guests bar, or roles guests allow'],
    [`triage ${'x'.repeat(2000)}`, 'That command is 2007 characters long; commands are at most 1000.'],
  ])('%j is answered with usage', (text, problem) => {
    const parsed = parseCommand(text);
    expect(parsed.kind === 'usage' && parsed.problem).toContain(problem);
  });
});

describe('the procurement commands', () => {
  it('reads checklist, scan, home, publish and published, with ids typed loosely', () => {
    expect(parseCommand('checklist p-3f8r1a')).toEqual({ kind: 'checklist', id: 'P-3F8R1A' });
    expect(parseCommand('scan P3F8RIA')).toEqual({ kind: 'scan', id: 'P-3F8R1A' });
    expect(parseCommand('home')).toEqual({ kind: 'home' });
    expect(parseCommand('publish nl-register P-3F8R1A')).toEqual({
      kind: 'publish',
      draft: 'nl-register',
      id: 'P-3F8R1A',
    });
    expect(parseCommand('published eu-db P-3F8R1A 2027-12-01')).toEqual({
      kind: 'published',
      draft: 'eu-db',
      id: 'P-3F8R1A',
      review: '2027-12-01',
    });
  });

  it.each([
    ['publish atrs', 'Usage: publish atrs|us-inventory|nl-register|eu-db'],
    ['publish dutch P-3F8R1A', 'Usage: publish'],
    ['published atrs P-3F8R1A soon', 'Usage: published'],
    ['scan C-7K2M9Q', 'Usage: scan <procurement id>'],
  ])('%j is answered with usage', (text, problem) => {
    const parsed = parseCommand(text);
    expect(parsed.kind === 'usage' && parsed.problem).toContain(problem);
  });
});
