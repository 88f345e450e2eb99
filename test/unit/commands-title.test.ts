import { describe, expect, it } from 'vitest';
import { parseSlackCommand } from '../../src/channels/slack/command-parser.js';
import { parseTeamsCommand } from '../../src/channels/teams/command-parser.js';
import { checkCommand, parseCommand } from '../../src/core/commands.js';
import { TITLE_MAX } from '../../src/core/triage/service.js';

describe('a triage title that cannot run', () => {
  it.each([
    ['triage', 'Give the purchase a title'],
    ['triage    ', 'Give the purchase a title'],
    [`triage ${'x'.repeat(TITLE_MAX + 1)}`, `keep it under ${TITLE_MAX}`],
  ])('%j is answered with usage, on both platforms', (text, problem) => {
    for (const parsed of [
      checkCommand(parseCommand(text)),
      checkCommand(parseSlackCommand(text)),
      checkCommand(parseTeamsCommand(text)),
    ]) {
      expect(parsed.kind).toBe('usage');
      expect(parsed.kind === 'usage' && parsed.problem).toContain(problem);
    }
  });

  it('leaves a good title, and every other command, as parsed', () => {
    expect(checkCommand(parseCommand('triage  Chatbot for  council tax '))).toEqual({
      kind: 'triage',
      title: 'Chatbot for  council tax',
    });
    expect(checkCommand(parseCommand(`triage ${'x'.repeat(TITLE_MAX)}`)).kind).toBe('triage');
    for (const text of ['help', 'kpi', 'contracts', 'config hour 9', 'config hour 99']) {
      expect(checkCommand(parseCommand(text))).toEqual(parseCommand(text));
    }
    const channel = parseSlackCommand('config channel <#C0123ABC|procurement>');
    expect(checkCommand(channel)).toBe(channel);
  });
});
