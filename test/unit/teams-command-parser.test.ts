import { describe, expect, it } from 'vitest';
import { MENTION_MARK, mentionIndex, parseTeamsCommand } from '../../src/channels/teams/command-parser.js';

describe('a message to the Teams bot', () => {
  it.each([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['triage Chatbot for council tax', { kind: 'triage', title: 'Chatbot for council tax' }],
    ['<at>AI Procure</at> triage Benefits scoring', { kind: 'triage', title: 'Benefits scoring' }],
    ['triage <at>AI Procure</at> X', { kind: 'triage', title: 'X' }],
    ['<p>triage&nbsp;Rich text</p>', { kind: 'triage', title: 'Rich text' }],
    ['config channel', { kind: 'config-channel', arg: '' }],
    ['Config Channel', { kind: 'config-channel', arg: '' }],
  ])('%j', (text, expected) => {
    expect(parseTeamsCommand(text)).toEqual(expected);
  });

  it.each([
    ['config', 'Usage: config channel, config timezone'],
    ['hello there', 'Unknown command “hello”'],
  ])('%j gets usage', (text, problem) => {
    const parsed = parseTeamsCommand(text);
    expect(parsed.kind === 'usage' && parsed.problem).toContain(problem);
  });

  it('keeps a mention of someone else, as a marker the listener resolves to that person', () => {
    const parsed = parseTeamsCommand('<at>AI Procure</at> roles add <at>Bob Smith</at> procurement', [
      '<at>Bob Smith</at>',
    ]);
    expect(parsed).toEqual({ kind: 'roles-change', change: 'add', who: `${MENTION_MARK}0`, role: 'procurement' });
    expect(parsed.kind === 'roles-change' && mentionIndex(parsed.who)).toBe(0);
    // Typed text is never a mention.
    expect(mentionIndex('@Bob')).toBeUndefined();
  });

  it('refuses a message too long to be a command before reading it', () => {
    const parsed = parseTeamsCommand('<'.repeat(200_000));
    expect(parsed.kind === 'usage' && parsed.problem).toContain('too long for a command');
  });
});
