import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/triage/engine.js';
import { escapeMarkdown, renderMarkdownReport } from '../../src/core/triage/report-markdown.js';
import type { Answers } from '../../src/core/triage/types.js';
import { fixture, pack, text } from './triage-helpers.js';

function report(
  answers: Answers,
  meta: Parameters<typeof renderMarkdownReport>[3] = {},
  opts: Parameters<typeof evaluate>[2] = {},
): string {
  return renderMarkdownReport(pack, answers, evaluate(pack, answers, opts), meta);
}

/** The Markdown of one section, from its heading to the next. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}\n`);
  expect(start, `section ${heading}`).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

describe('renderMarkdownReport', () => {
  const benefits = fixture('benefits-scoring');
  const markdown = report(benefits.answers, {
    title: benefits.title,
    startedBy: 'Priya Shah',
    startedAt: '2026-11-20T10:00:00Z',
    answeredBy: { role: { name: 'Sam Lee', at: '2026-11-20T10:02:00Z' } },
  });

  it('opens with the title, tier, score and who started it', () => {
    expect(markdown).toMatch(/^# AI triage: Housing benefit claim risk scoring\n/);
    expect(markdown).toContain('**Tier: High** · score 34 of 58 (59 %)');
    expect(markdown).toContain('- **Started by:** Priya Shah');
    expect(markdown).not.toContain('Provisional');
  });

  it('lists triggers, the class per jurisdiction, gates, clauses, KPIs and evidence', () => {
    expect(section(markdown, 'Triggers')).toContain(
      '- **High minimum:** High-risk use under the EU AI Act (Annex III)',
    );
    const classes = section(markdown, 'Regulatory classification');
    expect(classes).toContain(
      '| EU AI Act | High-risk (Art. 6(2), Annex III) | High-risk under Art. 6(2) (Annex III point 5(a): access to essential public services and benefits). Applies from 2 Dec 2027. |',
    );
    expect(classes).toContain('Procurement Act KPI duty applies');
    expect(classes).toContain('| US federal (OMB M-25-21) | High-impact |');
    expect(classes).toContain('| Canada (AIA-style) | Level III |');
    expect(section(markdown, 'Gates before award or go-live')).toContain('- **G13** A person makes the final decision');
    expect(section(markdown, 'Contract clauses')).toContain('| C5 | No training on our data |');
    expect(section(markdown, 'KPIs')).toContain(
      '| K7 | Human review coverage | Share of consequential outputs reviewed by a trained person before taking effect | 100 % | Monthly |',
    );
    expect(section(markdown, 'Evidence to obtain')).toContain(
      '| `E3` | Performance results by subgroup on a population like ours | Needed from High tier |',
    );
  });

  it('explains the score and shows every question with its answer and who answered it when', () => {
    expect(section(markdown, 'Why this score')).toContain('| Serious or hard to reverse | 5 of 8 |');
    const answers = section(markdown, 'Answers');
    expect(answers).toContain(
      '| 2 | What role does the AI play in decisions about people? `role` | Scores, flags or recommends cases | Sam Lee, 2026-11-20T10:02:00Z |',
    );
    expect(answers).toContain(
      '| 16 | What is the estimated total contract value, with currency (e.g. £6.2m)? `contract_value` | £6.2m |',
    );
    expect(answers).toContain(
      '| 15 | When is it planned to go live? Optional; write the date as YYYY-MM-DD. `go_live` | 2027-04-01 |',
    );
    expect(markdown).toContain(`version 2026.12.1, sha256 \`${pack.hash}\``);
  });

  it('says when each dated duty applies, on the triage date and at the planned go-live', () => {
    // Planned go-live 15 Jan 2028: after the EU high-risk duties start (2 Dec 2027), which the triage date is not.
    const enforcement = fixture('automated-enforcement');
    const dated = report(enforcement.answers, { title: enforcement.title }, { on: '2026-12-01' });
    const when = section(dated, 'When the duties apply');
    expect(when).toContain('On the triage date (1 Dec 2026) and at the planned go-live (15 Jan 2028):');
    expect(when).toContain('| Duty | Applies from | On the triage date | At go-live |');
    const row = (ref: string) => when.split('\n').find((line) => line.startsWith(`| \`${ref}\` `));
    expect(row('G22')).toMatch(/^\| `G22` EU high-risk: complete a fundamental rights impact assessment .*\|/);
    expect(row('G22')).toMatch(/ \| 2 Dec 2027 \| not yet \| binds \|$/);
    expect(row('G24')).toMatch(/ \| 6 Feb 2024 \| binds \| binds \|$/);
    // A go-live before 2 Dec 2027 is still before the EU duty.
    const early = report({ ...enforcement.answers, go_live: text('2027-04-01') }, {}, { on: '2026-12-01' });
    const earlyWhen = section(early, 'When the duties apply');
    expect(earlyWhen).toContain('at the planned go-live (1 Apr 2027):');
    expect(earlyWhen.split('\n').find((line) => line.startsWith('| `G22` '))).toMatch(
      / \| 2 Dec 2027 \| not yet \| not yet \|$/,
    );
    // Without a triage date there is no timeline.
    expect(report(enforcement.answers)).not.toContain('## When the duties apply');
  });

  it('marks a partial result provisional and shows what is still unanswered', () => {
    const partial = report(fixture('partial-caseworker-summaries').answers, {}, { partial: true });
    expect(partial).toContain("> **Provisional:** 10 answers are “Don't know”");
    expect(section(partial, 'Answers')).toContain("`lockin` | *Not answered (counted as “Don't know”)* |");
    expect(section(partial, 'Evidence to obtain')).toContain('`DK-effect`');
  });

  it('reports a STOP with the stop gate and no contract content', () => {
    const stop = report(fixture('social-scoring').answers);
    expect(stop).toContain('**Tier: STOP: do not procure**');
    expect(section(stop, 'Gates before award or go-live')).toContain('- **G0** Do not procure this use.');
    expect(stop).not.toContain('## KPIs');
    expect(stop).not.toContain('## Contract clauses');
    expect(section(stop, 'Answers')).toContain('`role` | *Not asked* |');
  });

  it('escapes user text so it cannot add markup, HTML, table cells or mentions', () => {
    const hostile =
      '*bold* _it_ `code` [link](http://x) <script>alert(1)</script> | cell # ~strike~ \\ @channel <!here>';
    const answers = { ...benefits.answers, contract_value: text('£6.2m <b>|</b> *x* @channel') };
    const out = report(answers, {
      title: `@here ${hostile}`,
      answeredBy: { contract_value: { name: '<@U123>\n# Boss', at: '<!date>' } },
    });
    const escaped =
      '\\*bold\\* \\_it\\_ \\`code\\` \\[link\\](http://x) \\<script\\>alert(1)\\</script\\> \\| cell \\# \\~strike\\~ \\\\ \\@channel \\<!here\\>';
    expect(out.split('\n')[0]).toBe(`# AI triage: \\@here ${escaped}`);
    expect(out).toContain('| £6.2m \\<b\\>\\|\\</b\\> \\*x\\* \\@channel | \\<\\@U123\\> \\# Boss, \\<!date\\> |');
    expect(out).not.toContain('<script>');
    expect(out).not.toMatch(/(^|[^\\])@(here|channel)/m);
    expect(out).not.toMatch(/(^|[^\\])<!/m);
  });
});

describe('escapeMarkdown', () => {
  it('backslash-escapes every Markdown special character and joins lines', () => {
    expect(escapeMarkdown('\\ * _ ` [ ] < > # | ~')).toBe('\\\\ \\* \\_ \\` \\[ \\] \\< \\> \\# \\| \\~');
    expect(escapeMarkdown('line one\r\n\n  line two')).toBe('line one line two');
    expect(escapeMarkdown('@channel and <!everyone>')).toBe('\\@channel and \\<!everyone\\>');
  });
});
