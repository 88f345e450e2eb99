import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/channels/slack/render/blocks.js';
import { escapeMrkdwn } from '../../src/channels/slack/render/mrkdwn.js';
import type { Dialogue } from '../../src/core/triage/dialogue.js';
import { evaluate, missingQuestions } from '../../src/core/triage/engine.js';
import { outcomeLabels } from '../../src/core/triage/labels.js';
import type { Pack } from '../../src/core/triage/pack-schema.js';
import { renderMarkdownReport } from '../../src/core/triage/report-markdown.js';
import type { Answers } from '../../src/core/triage/types.js';
import { questionView, summaryView } from '../../src/core/triage/views.js';
import { plainText, type View } from '../../src/core/view.js';
import { findBroadcastMentions, validateMessage } from '../support/blockkit.js';
import { fixture, pack } from './triage-helpers.js';

const dialogue = (title: string): Dialogue => ({
  v: 1,
  id: 'd1',
  tenant: 'slack_T1',
  platform: 'slack',
  title,
  startedBy: { id: 'U1' },
  startedAt: new Date(0).toISOString(),
  pack: { id: pack.id, version: pack.version, hash: pack.hash },
  channel: 'C1',
  answers: {},
  order: ['prohibited'],
  current: null,
  step: 3,
  status: 'complete',
  events: [],
});

const hostile = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '<!channel>',
    '<!here|here>',
    '<@U123>',
    '<https://evil|x>',
    '@everyone',
    '*b* _i_ ~s~ `c`',
    '&amp;<>',
  ),
);

function mrkdwnTexts(json: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const item of v) walk(item);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      for (const item of Object.values(o)) walk(item);
    }
  };
  walk(json);
  return out;
}

const DATES = ['2027-04-01', '2028-01', '2026-08-02', '2030-12-31'];

describe('Slack rendering', () => {
  it('escapes everything that could mention, link or format', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(escapeMrkdwn('@channel @here')).not.toMatch(/@channel|@here/);
    expect(escapeMrkdwn('*bold*')).not.toBe('*bold*');
  });

  it('never emits a broadcast, mention or link from user text, whatever the text', () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 4 }), (parts) => {
        const text = parts.join(' ');
        const view: View = {
          fallback: text,
          heading: text,
          blocks: [
            { type: 'text', content: [text, { strong: text }, { em: text }] },
            { type: 'context', content: [text] },
            { type: 'facts', items: [{ label: text, value: [text] }] },
            { type: 'list', items: [[text]] },
          ],
          actions: [{ id: 'triage_answer', label: text || 'x', value: { d: 'd1' } }],
        };
        const message = renderMessage(view);
        expect(findBroadcastMentions(message)).toEqual([]);
        // Mentions and links are only parsed in mrkdwn; plain_text (headers, buttons) shows them literally.
        expect(mrkdwnTexts(message).join('\n')).not.toMatch(/<@U123>|<https:\/\/evil/);
      }),
    );
  });

  it('keeps every question message within Block Kit limits', () => {
    for (const question of pack.questions) {
      const message = renderMessage(
        questionView(dialogue('t'), question, { number: 3, total: 15 }, { kind: 'dontKnow' }),
      );
      expect(validateMessage(message), question.id).toEqual([]);
    }
  });

  it('keeps the summary within Block Kit limits for any answers, even all "Don\'t know" and a huge title', () => {
    fc.assert(
      fc.property(fc.infiniteStream(fc.nat()), fc.string({ maxLength: 150 }), (picks, title) => {
        const answers: Answers = {};
        const leftOut = new Set<string>();
        const it = picks[Symbol.iterator]();
        const next = () => {
          const id = missingQuestions(pack, answers).find((m) => !leftOut.has(m));
          return pack.questions.find((q) => q.id === id);
        };
        for (let q = next(); q; q = next()) {
          const n = it.next().value as number;
          if (q.kind === 'text' && q.parse === 'date') {
            // The optional go-live date: left out, "Don't know", a day or a month.
            if (n % 4 === 0) leftOut.add(q.id);
            else answers[q.id] = n % 4 === 1 ? { kind: 'dontKnow' } : { kind: 'text', text: DATES[n % DATES.length]! };
          } else if (q.kind === 'text') answers[q.id] = n % 2 ? { kind: 'dontKnow' } : { kind: 'text', text: '£6m' };
          else {
            const ids = q.options.map((o) => o.id);
            answers[q.id] =
              n % 4 === 0
                ? { kind: 'dontKnow' }
                : q.kind === 'single'
                  ? { kind: 'option', optionId: ids[n % ids.length]! }
                  : { kind: 'options', optionIds: [q.options.filter((o) => !o.exclusive)[n % 3]!.id] };
          }
        }
        const message = renderMessage(
          // With a triage date, so the dated gates carry their notes too.
          summaryView(
            dialogue(title.padEnd(150, 'x')),
            evaluate(pack, answers, { on: '2026-12-01' }),
            outcomeLabels(pack),
          ),
        );
        expect(validateMessage(message)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('a summary with answers still "Don\'t know"', () => {
  it('marks the cautious US class and UK duties as provisional, and settled ones as plain', () => {
    const unknown = renderMessage(
      summaryView(dialogue('Unknowns'), evaluate(pack, {}, { partial: true }), outcomeLabels(pack)),
    );
    expect(JSON.stringify(unknown.blocks)).toContain('High-impact AI (provisional)');
    expect(JSON.stringify(unknown.blocks)).toContain(
      'ATRS record expected (provisional); Procurement Act 2023 KPI duty (over £5m) (provisional)',
    );
    const benefits = fixture('benefits-scoring');
    const settled = renderMessage(
      summaryView(dialogue(benefits.title), evaluate(pack, benefits.answers), outcomeLabels(pack)),
    );
    expect(JSON.stringify(settled.blocks)).toContain('High-impact AI');
    expect(JSON.stringify(settled.blocks)).not.toContain('High-impact AI (provisional)');
    expect(JSON.stringify(settled.blocks)).toContain('Procurement Act 2023 KPI duty (over £5m)');
    expect(JSON.stringify(settled.blocks)).not.toContain('(over £5m) (provisional)');
  });
});

describe('the tier label in the summary', () => {
  const stopped = fixture('social-scoring');
  const headline = (view: View) => {
    const first = view.blocks[0];
    return first?.type === 'text' ? plainText(first.content) : '';
  };

  it('is the pack’s label, "STOP: do not procure" for a stop, the same as the report’s', () => {
    const outcome = evaluate(pack, stopped.answers);
    expect(outcome.tier).toBe('stop');
    expect(pack.tiers.stop.label).toBe('STOP: do not procure');
    const view = summaryView(dialogue(stopped.title), outcome, outcomeLabels(pack));
    expect(view.heading).toBe('Triage result: STOP: do not procure');
    expect(view.fallback).toContain(': STOP: do not procure (');
    expect(headline(view)).toMatch(/^Tier: STOP: do not procure · score /);
    expect(JSON.stringify(renderMessage(view).blocks)).toContain('STOP: do not procure');
    expect(renderMarkdownReport(pack, stopped.answers, outcome)).toContain('**Tier: STOP: do not procure**');
  });

  it('follows the pack: another pack’s labels show in the summary and the report alike', () => {
    const renamed: Pack = {
      ...pack,
      tiers: {
        ...pack.tiers,
        stop: { ...pack.tiers.stop, label: 'Prohibited: stop here' },
        high: { ...pack.tiers.high, label: 'Elevated' },
      },
    };
    const outcome = evaluate(renamed, stopped.answers);
    const view = summaryView(dialogue(stopped.title), outcome, outcomeLabels(renamed));
    expect(view.heading).toBe('Triage result: Prohibited: stop here');
    expect(headline(view)).toMatch(/^Tier: Prohibited: stop here · /);
    expect(renderMarkdownReport(renamed, stopped.answers, outcome)).toContain('**Tier: Prohibited: stop here**');
    const benefits = fixture('benefits-scoring');
    const high = evaluate(renamed, benefits.answers);
    expect(high.tier).toBe('high');
    expect(headline(summaryView(dialogue(benefits.title), high, outcomeLabels(renamed)))).toMatch(/^Tier: Elevated · /);
    expect(renderMarkdownReport(renamed, benefits.answers, high)).toContain('**Tier: Elevated**');
  });
});
