/**
 * A triage outcome as a readable Markdown report: what was decided, why, and who answered what, when.
 * Every piece of text is escaped, user text especially, so a title or an answer cannot inject markup,
 * links, HTML or mentions into the report.
 */

import { formatLocalDate } from '../calendar.js';
import { describeAnswer } from './answers.js';
import { applicableQuestions } from './engine.js';
import { outcomeLabels } from './labels.js';
import type { Pack } from './pack-schema.js';
import { appliesFromText, BINDING_TEXT } from './timeline.js';
import type { Answers, AppliesFrom, Outcome, Tier } from './types.js';

export interface ReportMeta {
  title?: string;
  startedBy?: string;
  startedAt?: string;
  answeredBy?: Record<string, { name: string; at: string }>;
}

/** Makes text literal in Markdown: one line, special characters backslash-escaped, no mentions. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>#|~&@]/g, '\\$&');
}

const e = escapeMarkdown;
const code = (id: string) => `\`${id.replace(/`/g, '')}\``;

function table(headers: string[], rows: string[][]): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function tierName(pack: Pack, tier: Tier): string {
  return outcomeLabels(pack).tier[tier];
}

export function renderMarkdownReport(pack: Pack, answers: Answers, outcome: Outcome, meta: ReportMeta = {}): string {
  const lines: string[] = [];
  const add = (...more: string[]) => lines.push(...more);
  const percent = outcome.max === 0 ? 0 : Math.round((outcome.score / outcome.max) * 100);
  const tierInfo = pack.tiers[outcome.tier];

  add(`# AI triage: ${e(meta.title ?? pack.title)}`, '');
  add(`**Tier: ${e(tierName(pack, outcome.tier))}** · score ${outcome.score} of ${outcome.max} (${percent} %)`, '');
  if (tierInfo.summary) add(e(tierInfo.summary), '');
  if (outcome.provisional) {
    const n = outcome.unknowns.length;
    add(
      `> **Provisional:** ${n} ${n === 1 ? 'answer is' : 'answers are'} “Don't know”. Each counts as the worst answer until the evidence below arrives, so the tier may go down.`,
      '',
    );
  }
  if (meta.startedBy) add(`- **Started by:** ${e(meta.startedBy)}`);
  if (meta.startedAt) add(`- **Started at:** ${e(meta.startedAt)}`);
  add(`- **Question pack:** ${code(outcome.pack.id)} version ${e(outcome.pack.version)}`, '');

  add('## Triggers', '');
  if (outcome.triggers.length === 0) add('None: the tier comes from the score alone.');
  for (const t of outcome.triggers) {
    const floor = t.minTier === 'stop' ? 'STOP' : `${e(tierName(pack, t.minTier))} minimum`;
    add(`- **${floor}:** ${e(t.label)} (${code(t.id)})`);
  }
  add('');

  const { eu, uk, us, ca } = outcome.classification;
  const labels = outcomeLabels(pack);
  const since = (applies: AppliesFrom | undefined) =>
    applies === undefined ? '' : ` Applies from ${e(appliesFromText(applies))}.`;
  // Each UK duty has its own date: the ATRS requirement, and the Procurement Act's KPI duty.
  const ukSince = [
    uk.atrsAppliesFrom === undefined ? '' : ` ATRS applies from ${e(appliesFromText(uk.atrsAppliesFrom))}.`,
    uk.kpiDutyAppliesFrom === undefined
      ? ''
      : ` The KPI duty applies from ${e(appliesFromText(uk.kpiDutyAppliesFrom))}.`,
  ].join('');
  const ukResult = [
    uk.atrsExpected ? `ATRS record expected${uk.atrsProvisional ? ' (provisional)' : ''}` : 'No ATRS record expected',
    uk.kpiDuty
      ? `Procurement Act KPI duty applies${uk.kpiDutyProvisional ? ' (provisional)' : ''}`
      : 'No Procurement Act KPI duty found',
  ].join('; ');
  add('## Regulatory classification', '');
  add(
    ...table(
      ['Jurisdiction', 'Result', 'Basis'],
      [
        ['EU AI Act', e(labels.eu[eu.category]), `${e(eu.basis)}${since(eu.appliesFrom)}`],
        ['UK', ukResult, `${uk.duties.map(e).join(' ') || 'No specific duty identified.'}${ukSince}`],
        [
          'US federal (OMB M-25-21)',
          us.highImpact ? 'High-impact' : 'Not high-impact',
          `${e(us.basis)}${since(us.appliesFrom)}`,
        ],
        ['Canada (AIA-style)', `Level ${ca.level}`, `${e(ca.basis)}${since(ca.appliesFrom)}`],
      ],
    ),
    '',
  );

  add('## Gates before award or go-live', '');
  for (const g of outcome.gates) add(`- **${g.id}** ${e(g.text)}`);
  add('');

  const timeline = outcome.timeline;
  if (timeline) {
    const goLive = timeline.goLive ? formatLocalDate(timeline.goLive) : undefined;
    add('## When the duties apply', '');
    add(
      `On the triage date (${formatLocalDate(timeline.triageDate)}) and ${goLive ? `at the planned go-live (${goLive})` : 'at go-live (no date given)'}:`,
      '',
    );
    add(
      ...table(
        ['Duty', 'Applies from', 'On the triage date', 'At go-live'],
        timeline.duties.map((d) => [
          `${code(d.ref)} ${e(d.text)}`,
          e(
            d.pending
              ? `${formatLocalDate(d.from)}; ${formatLocalDate(d.pending.from)} if ${d.pending.by} is adopted first`
              : formatLocalDate(d.from),
          ),
          BINDING_TEXT[d.onTriageDate],
          d.atGoLive ? BINDING_TEXT[d.atGoLive] : '(no date)',
        ]),
      ),
      '',
    );
  }

  if (outcome.clauses.length > 0) {
    add('## Contract clauses', '');
    add(
      ...table(
        ['ID', 'Clause', 'Gist'],
        outcome.clauses.map((c) => [c.id, e(c.title), e(c.gist)]),
      ),
      '',
    );
  }
  if (outcome.kpis.length > 0) {
    add('## KPIs', '');
    add(
      ...table(
        ['ID', 'KPI', 'Measure', 'Target', 'Cadence'],
        outcome.kpis.map((k) => [k.id, e(k.title), e(k.measure), e(k.target), e(k.cadence)]),
      ),
      '',
    );
  }
  if (outcome.evidence.length > 0) {
    add('## Evidence to obtain', '');
    add(
      ...table(
        ['ID', 'Evidence', 'Why'],
        outcome.evidence.map((v) => [code(v.id), e(v.text), e(v.reason)]),
      ),
      '',
    );
  }

  add('## Why this score', '');
  add(
    ...table(
      ['Question', 'Answer', 'Points'],
      outcome.why.map((c) => [e(c.question), e(c.answer), `${c.points} of ${c.max}`]),
    ),
    '',
  );

  add('## Answers', '');
  const asked = new Set(applicableQuestions(pack, answers).map((q) => q.id));
  const rows = pack.questions.map((q, i) => {
    const value = answers[q.id];
    const answer = !asked.has(q.id)
      ? '*Not asked*'
      : value
        ? e(describeAnswer(q, value))
        : "*Not answered (counted as “Don't know”)*";
    const row = [String(i + 1), `${e(q.prompt)} ${code(q.id)}`, answer];
    const by = meta.answeredBy?.[q.id];
    return meta.answeredBy ? [...row, by ? `${e(by.name)}, ${e(by.at)}` : ''] : row;
  });
  add(...table(['#', 'Question', 'Answer', ...(meta.answeredBy ? ['Answered by'] : [])], rows), '');

  add('---', '');
  add(`Question pack ${code(outcome.pack.id)} version ${e(outcome.pack.version)}, sha256 ${code(outcome.pack.hash)}.`);
  return `${lines.join('\n')}\n`;
}
