import { describe, expect, it } from 'vitest';
import { parseSlackCommand } from '../../src/channels/slack/command-parser.js';

describe('/aiprocure text', () => {
  it.each([
    ['', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['triage   Chatbot for  council tax ', { kind: 'triage', title: 'Chatbot for  council tax' }],
    ['Triage x', { kind: 'triage', title: 'x' }],
    ['triage', { kind: 'triage', title: '' }],
    ['config channel <#C0123ABC|procurement>', { kind: 'config-channel', channel: 'C0123ABC' }],
    ['config channel <#G0123ABC>', { kind: 'config-channel', channel: 'G0123ABC' }],
    ['config channel C0123ABCD', { kind: 'config-channel', channel: 'C0123ABCD' }],
    [
      'config commons subscribe <https://bot.example.gov/commons/feed.json?org=a&amp;v=1|bot.example.gov/commons/feed.json>',
      {
        kind: 'config-commons-subscribe',
        change: 'subscribe',
        url: 'https://bot.example.gov/commons/feed.json?org=a&v=1',
      },
    ],
    [
      'config commons unsubscribe https://bot.example.gov/commons/feed.json',
      { kind: 'config-commons-subscribe', change: 'unsubscribe', url: 'https://bot.example.gov/commons/feed.json' },
    ],
    [
      'roles add <@U0123ABC|ana> procurement',
      { kind: 'roles-change', change: 'add', who: { id: 'U0123ABC', name: 'ana' }, role: 'procurement' },
    ],
    [
      'roles remove <@W0123ABC> admin',
      { kind: 'roles-change', change: 'remove', who: { id: 'W0123ABC' }, role: 'admin' },
    ],
    ['delete contract c-7k2m9q', { kind: 'delete', record: 'contract', id: 'C-7K2M9Q' }],
    // Copied from a Slack message, where "_" came with zero-width spaces around it.
    ['delete triage oCl\u200b_\u200b4p5tEpKfxbQS', { kind: 'delete', record: 'dialogue', id: 'oCl_4p5tEpKfxbQS' }],
    ['config retention 10', { kind: 'config-retention', years: 10 }],
  ])('%j', (text, expected) => {
    expect(parseSlackCommand(text)).toEqual(expected);
  });

  it.each([
    ['config channel #procurement', 'could not recognise that channel'],
    ['config channel', 'Which channel?'],
    [
      'config',
      'Usage: config channel, config timezone <zone>, config hour <0-23>, config retention <years> or config commons',
    ],
    ['delete everything', 'Usage: delete contract <id>'],
    ['frobnicate everything', 'Unknown command “frobnicate”'],
    ['roles add @ana procurement', 'I could not recognise that person'],
    ['roles add <!channel> admin', 'I could not recognise that person'],
  ])('%j is answered with usage', (text, problem) => {
    const parsed = parseSlackCommand(text);
    expect(parsed.kind).toBe('usage');
    expect(parsed.kind === 'usage' && parsed.problem).toContain(problem);
  });
});
