import { describe, expect, it } from 'vitest';
import { parseTeamsCommand } from '../../src/channels/teams/command-parser.js';

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
});
