import { registerContractAction } from '../contracts/actions.js';
import { historyAction } from '../history/actions.js';
import { recordIds } from '../history/recorder.js';
import { relatedLessonsAction } from '../lessons/actions.js';
import { startChecklistAction } from '../procurement/actions.js';
import { type Paragraph, plainText, type UserRef, type View, type ViewAction, type ViewBlock } from '../view.js';
import { type ActionPayload, TriageActions } from './actions.js';
import type { Dialogue } from './dialogue.js';
import { describeAnswer } from './engine.js';
import type { OutcomeLabels } from './labels.js';
import type { Question } from './pack-schema.js';
import { dutyNote } from './timeline.js';
import type { AnswerValue, Outcome } from './types.js';

/** Every triage message as a platform-neutral view. Channels render these; they add no wording of their own. */

function payload(dialogue: Dialogue, extra: Partial<ActionPayload> = {}): Record<string, unknown> {
  return { d: dialogue.id, s: dialogue.step, ...extra };
}

export interface QuestionPosition {
  number: number;
  total: number;
}

export function questionView(
  dialogue: Dialogue,
  question: Question,
  position: QuestionPosition,
  previous?: AnswerValue,
): View {
  const blocks: ViewBlock[] = [{ type: 'text', content: [{ strong: question.prompt }] }];
  if (question.help) blocks.push({ type: 'context', content: [question.help] });
  const options = question.kind === 'text' ? [] : question.options;
  if (options.some((option) => option.detail)) {
    blocks.push({
      type: 'list',
      items: options.map((option) =>
        option.detail ? [{ strong: option.label }, ` — ${option.detail}`] : [{ strong: option.label }],
      ),
    });
  }
  if (previous) {
    blocks.push({ type: 'context', content: ['Previous answer: ', { em: describeAnswer(question, previous) }] });
  }
  const actions: ViewAction[] = [];
  let input: View['input'];
  if (question.kind === 'single') {
    for (const option of question.options) {
      actions.push({
        id: TriageActions.answer,
        label: option.label,
        value: payload(dialogue, { q: question.id, o: option.id }),
      });
    }
  } else if (question.kind === 'multi') {
    const inclusive = question.options.filter((option) => !option.exclusive);
    input = {
      kind: 'multi',
      inputId: TriageActions.multiInput,
      options: inclusive.map((option) => ({ id: option.id, label: option.label })),
      initial:
        previous?.kind === 'options' ? previous.optionIds.filter((id) => inclusive.some((o) => o.id === id)) : [],
      confirm: {
        id: TriageActions.confirmMulti,
        label: 'Confirm selection',
        value: payload(dialogue, { q: question.id }),
        style: 'primary',
      },
    };
    for (const option of question.options.filter((o) => o.exclusive)) {
      actions.push({
        id: TriageActions.answer,
        label: option.label,
        value: payload(dialogue, { q: question.id, o: option.id }),
      });
    }
  } else {
    input = {
      kind: 'text',
      inputId: TriageActions.textInput,
      placeholder: question.placeholder ?? 'Type your answer',
      maxLength: question.maxLength,
      submit: {
        id: TriageActions.submitText,
        label: 'Submit',
        value: payload(dialogue, { q: question.id }),
        style: 'primary',
      },
    };
  }
  if (question.dontKnow.allowed) {
    actions.push({ id: TriageActions.dontKnow, label: "Don't know", value: payload(dialogue, { q: question.id }) });
  }
  if (dialogue.order.length > 0) actions.push({ id: TriageActions.back, label: 'Back', value: payload(dialogue) });
  return {
    fallback: `Question ${position.number} of ${position.total}: ${question.prompt}`,
    heading: `Question ${position.number} of ${position.total}`,
    blocks,
    input,
    actions,
  };
}

export function answeredView(question: Question, value: AnswerValue, by: UserRef, number: number): View {
  const answer = describeAnswer(question, value);
  return {
    fallback: `${question.prompt} ${answer}`,
    blocks: [
      { type: 'text', content: [`${number}. `, { strong: question.prompt }] },
      { type: 'context', content: ['Answer: ', { strong: answer }, ' · answered by ', { user: by }] },
    ],
  };
}

export function withdrawnView(question: Question, by: UserRef, number: number): View {
  return {
    fallback: `${question.prompt} (went back)`,
    blocks: [
      { type: 'text', content: [`${number}. `, { strong: question.prompt }] },
      { type: 'context', content: [{ user: by }, ' went back to change the previous answer.'] },
    ],
  };
}

export function rootView(dialogue: Dialogue, labels: OutcomeLabels): View {
  const blocks: ViewBlock[] = [
    { type: 'text', content: [{ strong: dialogue.title }] },
    {
      type: 'context',
      content: [
        'Started by ',
        { user: dialogue.startedBy },
        ` · question pack ${dialogue.pack.id} ${dialogue.pack.version}`,
      ],
    },
  ];
  const result = dialogue.result;
  if (result) {
    blocks.push({
      type: 'text',
      content: [
        'Result: ',
        { strong: labels.tier[result.tier] },
        ` · score ${result.score} of ${result.max}`,
        result.provisional ? ' · provisional until the evidence arrives' : '',
      ],
    });
    blocks.push({ type: 'context', content: ['The summary and the full report are in the thread.'] });
  } else {
    blocks.push({ type: 'context', content: ['Answer the questions in the thread. Anyone in this channel can help.'] });
  }
  return {
    fallback: result
      ? `AI procurement triage: ${dialogue.title} — ${labels.tier[result.tier]}`
      : `AI procurement triage: ${dialogue.title}`,
    heading: result ? `AI procurement triage: ${labels.tier[result.tier]}` : 'AI procurement triage',
    blocks,
  };
}

function classificationFacts(outcome: Outcome, labels: OutcomeLabels): { label: string; value: Paragraph }[] {
  const { eu, uk, us, ca } = outcome.classification;
  const maybe = (provisional: boolean | undefined) => (provisional ? ' (provisional)' : '');
  const ukDuties = [uk.atrsExpected ? `ATRS record expected${maybe(uk.atrsProvisional)}` : 'No ATRS record expected'];
  const over = labels.kpiOver ? ` (over ${labels.kpiOver})` : '';
  if (uk.kpiDuty) ukDuties.push(`Procurement Act 2023 KPI duty${over}${maybe(uk.kpiDutyProvisional)}`);
  return [
    // The pack's basis names the class itself ("High-risk under Art. 6(2) (Annex III point 5(a) …)").
    { label: 'EU AI Act', value: [eu.basis || labels.eu[eu.category]] },
    { label: 'UK', value: [ukDuties.join('; ')] },
    {
      label: 'US federal (OMB M-25-21)',
      value: [us.highImpact ? (us.provisional ? 'High-impact AI (provisional)' : 'High-impact AI') : 'Not high-impact'],
    },
    { label: 'Canada (AIA estimate)', value: [`Impact level ${ca.level}`] },
  ];
}

function headline(outcome: Outcome, labels: OutcomeLabels): Paragraph {
  return [
    'Tier: ',
    { strong: labels.tier[outcome.tier] },
    ` · score ${outcome.score} of ${outcome.max}`,
    outcome.provisional ? ` · provisional: ${outcome.unknowns.length} answer(s) still "Don't know"` : '',
  ];
}

/**
 * The summary posted in the thread at the end: everything the buyer needs, with the Export button, and the lessons
 * colleagues recorded about the same kind of system (their number, counted when the summary is drawn).
 */
export function summaryView(dialogue: Dialogue, outcome: Outcome, labels: OutcomeLabels, related = 0): View {
  const blocks: ViewBlock[] = [{ type: 'text', content: headline(outcome, labels) }];
  if (outcome.triggers.length > 0) {
    blocks.push({ type: 'text', content: [{ strong: 'Triggers' }] });
    blocks.push({
      type: 'list',
      items: outcome.triggers.map((t) => [t.label, ` (minimum: ${labels.tier[t.minTier]})`]),
    });
  }
  blocks.push({ type: 'facts', items: classificationFacts(outcome, labels) });
  const reasons = outcome.why.filter((w) => w.points > 0).slice(0, 5);
  if (reasons.length > 0) {
    blocks.push({ type: 'text', content: [{ strong: 'Why: the answers that weigh most' }] });
    blocks.push({ type: 'list', items: reasons.map((w) => [`${w.question} `, { em: w.answer }, ` (+${w.points})`]) });
  }
  if (outcome.gates.length > 0) {
    const timeline = outcome.timeline;
    const dated = new Map(timeline?.duties.map((d) => [d.ref, d]));
    blocks.push({ type: 'text', content: [{ strong: 'Gates to pass before award' }] });
    blocks.push({
      type: 'list',
      items: outcome.gates.map((g) => {
        const duty = dated.get(g.id);
        return duty ? [g.text, { em: ` (${dutyNote(duty, timeline?.goLive)})` }] : [g.text];
      }),
    });
  }
  if (outcome.clauses.length > 0) {
    blocks.push({ type: 'text', content: [{ strong: 'Contract clauses' }] });
    blocks.push({ type: 'text', content: [outcome.clauses.map((c) => `${c.id} ${c.title}`).join(' · ')] });
  }
  if (outcome.kpis.length > 0) {
    blocks.push({ type: 'text', content: [{ strong: 'KPI pack' }] });
    blocks.push({ type: 'list', items: outcome.kpis.map((k) => [`${k.id} ${k.title}: ${k.target} (${k.cadence})`]) });
  }
  if (outcome.evidence.length > 0) {
    blocks.push({ type: 'text', content: [{ strong: 'Evidence still to get from the supplier' }] });
    blocks.push({ type: 'list', items: outcome.evidence.map((e) => [e.text]) });
  }
  if (related > 0) {
    blocks.push({
      type: 'text',
      content: [
        { strong: `${related} lesson${related === 1 ? '' : 's'} from colleagues` },
        ' about the same domain, technique or supplier: read them before you go to market.',
      ],
    });
  }
  blocks.push({
    type: 'context',
    content: [`Question pack ${outcome.pack.id} ${outcome.pack.version} (${outcome.pack.hash.slice(0, 12)})`],
  });
  return {
    fallback: `Triage result for ${dialogue.title}: ${labels.tier[outcome.tier]} (${outcome.score}/${outcome.max})`,
    heading: `Triage result: ${labels.tier[outcome.tier]}`,
    blocks,
    actions: [
      { id: TriageActions.exportReport, label: 'Export report', value: { d: dialogue.id, s: dialogue.step } },
      // A STOP outcome is not a purchase: there is no contract to watch.
      ...(outcome.tier === 'stop' ? [] : [startChecklistAction(dialogue.id), registerContractAction(dialogue.id)]),
      ...(related > 0 ? [relatedLessonsAction(dialogue.id, related)] : []),
      historyAction(recordIds.dialogue(dialogue.id)),
    ],
  };
}

/** The shorter summary for the procurement channel, linking back to the thread. */
export function procurementSummaryView(
  dialogue: Dialogue,
  outcome: Outcome,
  labels: OutcomeLabels,
  link?: string,
  /** The checklist's progress, once one is started (kept current as items are settled). */
  progress?: Paragraph,
  /** Buttons the procurement adds once it exists (a consequence scan, the checklist). */
  actions?: ViewAction[],
): View {
  const blocks: ViewBlock[] = [
    { type: 'text', content: [{ strong: dialogue.title }] },
    { type: 'text', content: headline(outcome, labels) },
    { type: 'facts', items: classificationFacts(outcome, labels) },
  ];
  const reasons = outcome.why.filter((w) => w.points > 0).slice(0, 3);
  if (outcome.triggers.length > 0) {
    blocks.push({ type: 'list', items: outcome.triggers.map((t) => [t.label]) });
  } else if (reasons.length > 0) {
    blocks.push({ type: 'list', items: reasons.map((w) => [`${w.question} `, { em: w.answer }]) });
  }
  blocks.push({
    type: 'context',
    content: [
      `${outcome.gates.length} gates · ${outcome.clauses.length} clauses · ${outcome.kpis.length} KPIs · ${outcome.evidence.length} evidence items · started by `,
      { user: dialogue.startedBy },
    ],
  });
  if (progress) blocks.push({ type: 'text', content: progress });
  if (link) blocks.push({ type: 'text', content: [{ link: { url: link, label: 'Open the triage thread' } }] });
  return {
    fallback: `AI procurement triage: ${dialogue.title} — ${labels.tier[outcome.tier]}`,
    heading: `AI procurement triage: ${labels.tier[outcome.tier]}`,
    blocks,
    ...(actions?.length ? { actions } : {}),
  };
}

/** Posted in a channel as it becomes the procurement channel. */
export function procurementWelcomeView(by: UserRef, previous?: string): View {
  return noticeView(
    'This channel will now receive AI procurement triage summaries and the daily AI contract reminder digest (set by ',
    { user: by },
    ...(previous ? ['; until now they went to ', { channel: { id: previous } }] : []),
    ').',
  );
}

/** Posted in the old procurement channel when another takes its place. */
export function procurementMovedView(by: UserRef, next: string): View {
  return noticeView(
    'AI procurement triage summaries and the daily AI contract reminder digest now go to ',
    { channel: { id: next } },
    ' instead of this channel (changed by ',
    { user: by },
    ').',
  );
}

export function noticeView(text: string, ...more: Paragraph): View {
  const content = [text, ...more];
  return { fallback: plainText(content), blocks: [{ type: 'text', content }] };
}

/** How a platform spells the commands: Slack `/aiprocure triage …`, Teams `@AI Procure triage …` or plain text. */
export interface CommandStyle {
  /** Put before each command, e.g. `/aiprocure`; empty in a personal chat. */
  prefix: string;
  /** The config command as typed on this platform, e.g. `config channel #channel`. */
  configChannel: string;
  /** What the config command does, in this platform's words. */
  configWhat: string;
}

const spell = (style: CommandStyle, command: string) => [style.prefix, command].filter(Boolean).join(' ');

export function helpView(style: CommandStyle): View {
  return {
    fallback: 'AI procurement assistant: commands',
    heading: 'AI procurement assistant',
    blocks: [
      {
        type: 'text',
        content: ['Triage a proposed AI purchase in about five minutes, in a thread your colleagues can join.'],
      },
      {
        type: 'list',
        items: [
          [
            { code: spell(style, 'triage <title>') },
            ' start a risk triage, e.g. ',
            { code: spell(style, 'triage Chatbot for council tax queries') },
          ],
          [{ code: spell(style, 'contracts') }, ' list the AI contracts registered from triages'],
          [{ code: spell(style, 'kpi') }, ' what is overdue or due in the next 7 days'],
          [{ code: spell(style, 'contracts export <id>') }, ' the contract’s KPIs and results as an OCDS release'],
          [{ code: spell(style, style.configChannel) }, ` ${style.configWhat}`],
          [
            { code: spell(style, 'config timezone Europe/London') },
            ' and ',
            { code: spell(style, 'config hour 9') },
            ' when the daily reminder digest is posted',
          ],
          [
            { code: spell(style, 'roles') },
            ' who may do what here; admins change it with ',
            { code: spell(style, 'roles add @person procurement') },
          ],
          [{ code: spell(style, 'status') }, ' where summaries and reminders go, and any channel they cannot reach'],
          [{ code: spell(style, 'export all') }, ' everything the bot keeps here, with its history (admins)'],
          [
            { code: spell(style, 'delete contract <id>') },
            ' or ',
            { code: spell(style, 'delete triage <id>') },
            ' delete a record, after a confirmation (admins); ',
            { code: spell(style, 'config retention 7') },
            ' how many years records are kept',
          ],
          [
            { code: spell(style, 'lesson') },
            ' record a lesson; ',
            { code: spell(style, 'lessons <words>') },
            ' find colleagues’ lessons (and those of the feeds you subscribe to)',
          ],
          [
            { code: spell(style, 'share <lesson id>') },
            ' share a lesson with other organisations after a review (admins); ',
            { code: spell(style, 'config commons') },
            ' the feeds you publish and follow',
          ],
          [{ code: spell(style, 'help') }, ' show this help'],
        ],
      },
    ],
  };
}

export function usageView(style: CommandStyle, problem: string): View {
  const help = helpView(style);
  return { ...help, fallback: problem, blocks: [{ type: 'text', content: [{ strong: problem }] }, ...help.blocks] };
}
