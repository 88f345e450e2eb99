import { createHash } from 'node:crypto';
import type { AccessService } from '../access/access.js';
import { type Actor, person } from '../access/roles.js';
import { BadInputError } from '../errors.js';
import { type History, recordIds } from '../history/recorder.js';
import type {
  Clock,
  ConversationSurface,
  DialogueRepository,
  Locker,
  Meter,
  PackRepository,
  RecordBirths,
  SettingsRepository,
} from '../ports.js';
import type { UserRef, View } from '../view.js';
import { answersOf, type Dialogue, dialogueOutcome, type MessageRef, packOf, questionPosition } from './dialogue.js';
import type { EffectIntent, TriageOutbox } from './effects.js';
import { describeAnswer, evaluate, nextQuestion, validateAnswer } from './engine.js';
import { outcomeLabels } from './labels.js';
import type { Pack, Question } from './pack-schema.js';
import { renderMarkdownReport } from './report-markdown.js';
import type { AnswerValue, Outcome } from './types.js';
import { noticeView, rootView } from './views.js';

export const TITLE_MAX = 150;

export interface TriageDeps {
  dialogues: DialogueRepository;
  settings: SettingsRepository;
  packs: PackRepository;
  locker: Locker;
  clock: Clock;
  access: AccessService;
  /** Every change is an event there before it is saved. */
  history: History;
  /** Where the messages a decision implies wait until they are out (see effects.ts). */
  outbox: TriageOutbox;
  /** Told of each new dialogue, so its retention is tracked. */
  births?: RecordBirths;
  /** Counts dialogues started and completed for /metrics. */
  meter?: Meter;
  /** Per platform (PROCUREMENT_CHANNEL is Slack's): used when a tenant has not chosen a procurement channel. */
  defaultProcurementChannels?: Partial<Record<Dialogue['platform'], string>>;
}

interface Caller {
  tenant: string;
  by: Actor;
  surface: ConversationSurface;
}

/**
 * The triage dialogue: start, answer, go back, finish, export. Platform-neutral: every change to a dialogue happens
 * under its lock and is saved with the messages it implies (its outbox); those go out after the lock is released,
 * through the caller's surface, so a slow or failing platform never loses an answer nor holds up the next click.
 */
export class TriageService {
  constructor(private readonly deps: TriageDeps) {}

  static checkTitle(raw: string): string {
    const title = raw.replace(/\s+/g, ' ').trim();
    if (!title) throw new BadInputError('Give the purchase a title, e.g. “triage Chatbot for council tax queries”.');
    if (title.length > TITLE_MAX) {
      throw new BadInputError(`That title is ${title.length} characters; keep it under ${TITLE_MAX}.`);
    }
    return title;
  }

  async start(input: Caller & { platform: Dialogue['platform']; channel: string; title: string }): Promise<Dialogue> {
    const title = TriageService.checkTitle(input.title);
    await this.deps.access.require(input.tenant, input.by, 'triage');
    const by = person(input.by);
    const pack = this.deps.packs.current();
    await this.deps.packs.remember(pack);
    const now = this.now();
    const first = nextQuestion(pack, {});
    const dialogue: Dialogue = {
      v: 1,
      id: '',
      tenant: input.tenant,
      platform: input.platform,
      title,
      startedBy: by,
      startedAt: now,
      pack: { id: pack.id, version: pack.version, hash: pack.hash },
      channel: input.channel,
      answers: {},
      order: [],
      current: first?.id ?? null,
      step: 0,
      status: 'open',
      events: [{ at: now, by, type: 'started' }],
    };
    // The root message names the dialogue (its id derives from it), so replies in its thread find it without an
    // index. Nothing is answered yet: the dialogue is saved once, with its first question out.
    const root = await input.surface.postRoot(input.channel, rootView(dialogue, outcomeLabels(pack)));
    dialogue.root = root;
    dialogue.id = dialogueIdFor(root);
    await this.deps.locker.withLock(lockKey(dialogue), async () => {
      await this.deps.history.record(
        dialogue.tenant,
        recordIds.dialogue(dialogue.id),
        input.by,
        'triage.started',
        { title, channel: input.channel, platform: input.platform },
        pack.hash,
      );
      if (first) this.deps.outbox.enqueue(dialogue, [{ kind: 'ask', step: dialogue.step, questionId: first.id }]);
      await this.deps.births?.born('dialogue', dialogue.tenant, dialogue.id);
      await this.commit(dialogue);
      this.deps.meter?.count({ kind: 'dialogue_started' });
    });
    await this.deps.outbox.drain(dialogue.tenant, dialogue.id, input.surface);
    return dialogue;
  }

  /** A button click or a card action: `step` is what the clicked message was drawn at. */
  async answer(input: Caller & { dialogueId: string; step: number; questionId: string; value: AnswerValue }) {
    await this.deps.access.require(input.tenant, input.by, 'triage');
    await this.withDialogue(input, async (dialogue, pack, tell) => {
      if (!this.isCurrent(dialogue, input.step, input.questionId)) {
        await this.explainStale(dialogue, pack, input, tell);
        return;
      }
      const question = questionById(pack, input.questionId);
      const checked = validateAnswer(pack, question.id, normalise(question, input.value));
      if (!checked.ok) {
        tell(noticeView(checked.message));
        return;
      }
      await this.record(dialogue, pack, question, checked.value, input);
    });
  }

  /** A reply typed in the thread: the answer to the current question when that question takes text. */
  async answerFromThread(input: Caller & { root: MessageRef; text: string }): Promise<boolean> {
    const id = dialogueIdFor(input.root);
    // Most thread messages are people talking, in threads the bot never started: stay quiet about those.
    if (!(await this.deps.dialogues.get(input.tenant, id))) return false;
    await this.deps.access.require(input.tenant, input.by, 'triage');
    let taken = false;
    await this.withDialogue({ ...input, dialogueId: id }, async (dialogue, pack, tell) => {
      if (dialogue.status !== 'open' || !dialogue.current) return;
      const question = questionById(pack, dialogue.current);
      if (question.kind !== 'text') return;
      taken = true;
      const checked = validateAnswer(pack, question.id, { kind: 'text', text: input.text.trim() });
      if (!checked.ok) {
        tell(noticeView(checked.message));
        return;
      }
      await this.record(dialogue, pack, question, checked.value, input);
    });
    return taken;
  }

  async back(input: Caller & { dialogueId: string; step: number }) {
    await this.deps.access.require(input.tenant, input.by, 'triage');
    await this.withDialogue(input, async (dialogue, pack, tell) => {
      if (!this.isCurrent(dialogue, input.step, dialogue.current)) {
        await this.explainStale(dialogue, pack, input, tell);
        return;
      }
      const previousId = dialogue.order.at(-1);
      if (!previousId) {
        tell(noticeView('This is the first question; there is nothing to go back to.'));
        return;
      }
      const leaving = dialogue.current ? questionById(pack, dialogue.current) : undefined;
      const previous = dialogue.answers[previousId];
      dialogue.order.pop();
      delete dialogue.answers[previousId];
      dialogue.current = previousId;
      dialogue.step += 1;
      dialogue.events.push({ at: this.now(), by: person(input.by), type: 'back', questionId: previousId });
      const leftMessage = dialogue.currentMessage;
      dialogue.currentMessage = undefined;
      await this.deps.history.record(
        dialogue.tenant,
        recordIds.dialogue(dialogue.id),
        input.by,
        'triage.back',
        { questionId: previousId },
        dialogue.pack.hash,
      );
      if (leaving && leftMessage) {
        const number = questionPosition(dialogue, pack).number + 1;
        this.deps.outbox.enqueue(dialogue, [
          { kind: 'withdraw', ref: leftMessage, questionId: leaving.id, by: person(input.by), number },
        ]);
      }
      this.deps.outbox.enqueue(dialogue, [
        {
          kind: 'ask',
          step: dialogue.step,
          questionId: previousId,
          ...(previous ? { previous: previous.value } : {}),
        },
      ]);
      await this.commit(dialogue);
    });
  }

  async exportReport(input: Caller & { dialogueId: string }) {
    await this.deps.access.require(input.tenant, input.by, 'read');
    const dialogue = await this.deps.dialogues.get(input.tenant, input.dialogueId);
    if (!dialogue?.root) {
      await input.surface.notifyUser(input.by, noticeView('That triage no longer exists.'));
      return;
    }
    if (dialogue.status === 'open') {
      await input.surface.notifyUser(input.by, noticeView('The report is ready once the last question is answered.'));
      return;
    }
    const pack = await packOf(this.deps.packs, dialogue);
    const answers = answersOf(dialogue);
    const outcome = evaluate(pack, answers);
    const markdown = renderMarkdownReport(pack, answers, outcome, {
      title: dialogue.title,
      startedBy: displayName(dialogue.startedBy),
      startedAt: dialogue.startedAt,
      answeredBy: Object.fromEntries(
        Object.entries(dialogue.answers).map(([id, a]) => [id, { name: displayName(a.by), at: a.at }]),
      ),
    });
    await input.surface.uploadFile(dialogue.root, {
      filename: `triage-${slug(dialogue.title)}-${dialogue.id}.md`,
      title: `Triage report: ${dialogue.title}`,
      content: markdown,
    });
  }

  /** The full outcome of a dialogue, recomputed from its answers and the pack it ran on. */
  async outcomeOf(dialogue: Dialogue): Promise<Outcome> {
    return dialogueOutcome(await packOf(this.deps.packs, dialogue), dialogue);
  }

  /**
   * Decides under the dialogue's lock, where nothing is sent: notes for the person are kept for after it, and so are
   * the effects the decision saved, which then go out through the request's surface.
   */
  private async withDialogue(
    input: Caller & { dialogueId: string },
    work: (dialogue: Dialogue, pack: Pack, tell: (view: View) => void) => Promise<void>,
  ): Promise<void> {
    const notes: View[] = [];
    const tell = (view: View) => notes.push(view);
    await this.deps.locker.withLock(lockKey({ tenant: input.tenant, id: input.dialogueId }), async () => {
      const dialogue = await this.deps.dialogues.get(input.tenant, input.dialogueId);
      if (!dialogue) {
        tell(noticeView('That triage no longer exists.'));
        return;
      }
      await work(dialogue, await packOf(this.deps.packs, dialogue), tell);
    });
    for (const note of notes) await input.surface.notifyUser(input.by, note);
    await this.deps.outbox.drain(input.tenant, input.dialogueId, input.surface);
  }

  /** The dialogue and the effects it owes, in one write; the outbox index first, so a crash strands nothing. */
  private async commit(dialogue: Dialogue): Promise<void> {
    await this.deps.outbox.schedule(dialogue);
    await this.deps.dialogues.save(dialogue);
  }

  private isCurrent(dialogue: Dialogue, step: number, questionId: string | null): boolean {
    return dialogue.status === 'open' && dialogue.step === step && dialogue.current === questionId;
  }

  /** A repeated, late or concurrent click: say politely what happened, and heal a message that never went out. */
  private async explainStale(
    dialogue: Dialogue,
    pack: Pack,
    input: Caller & { questionId?: string },
    tell: (view: View) => void,
  ) {
    if (dialogue.status !== 'open') {
      if (!this.summaryComplete(dialogue)) {
        // The end was cut short (the platform refused until its effects gave up): owe them again.
        tell(noticeView('This triage is complete; posting its summary now.'));
        this.deps.outbox.enqueue(dialogue, this.endEffects(dialogue));
        this.deps.outbox.retryNow(dialogue);
        await this.commit(dialogue);
        return;
      }
      tell(noticeView('This triage is already complete: the summary is in the thread.'));
      return;
    }
    const earlier = input.questionId ? dialogue.answers[input.questionId] : undefined;
    if (earlier && input.questionId) {
      const question = questionById(pack, input.questionId);
      const same = earlier.by.id === input.by.id;
      tell(
        noticeView(
          same ? 'You already answered this question: ' : 'This question was already answered: ',
          { strong: describeAnswer(question, earlier.value) },
          same ? '.' : ' by ',
          ...(same ? [] : [{ user: earlier.by }, '.']),
          ' To change an answer, use Back on the current question.',
        ),
      );
    } else {
      tell(
        noticeView(
          'That message is out of date: the triage has moved on. Please use the latest question in the thread.',
        ),
      );
    }
    if (dialogue.current && !dialogue.currentMessage) {
      if (!this.deps.outbox.owes(dialogue, 'ask')) {
        this.deps.outbox.enqueue(dialogue, [{ kind: 'ask', step: dialogue.step, questionId: dialogue.current }]);
      }
      this.deps.outbox.retryNow(dialogue);
      await this.commit(dialogue);
    }
  }

  /** The end of a triage: the summary in the thread, the root message updated, the procurement channel told. */
  private endEffects(dialogue: Dialogue): EffectIntent[] {
    const summary = dialogue.summary ?? {};
    const owes = (kind: 'summary' | 'root' | 'share') => this.deps.outbox.owes(dialogue, kind);
    return [
      ...(!summary.thread && !owes('summary') ? [{ kind: 'summary' as const }] : []),
      ...(!summary.rootUpdated && !owes('root') ? [{ kind: 'root' as const }] : []),
      ...(!summary.shared && !owes('share') ? [{ kind: 'share' as const }] : []),
    ];
  }

  private async record(dialogue: Dialogue, pack: Pack, question: Question, value: AnswerValue, input: Caller) {
    const at = this.now();
    const by = person(input.by);
    dialogue.answers[question.id] = { value, by, at };
    dialogue.order.push(question.id);
    dialogue.step += 1;
    dialogue.events.push({ at, by, type: 'answered', questionId: question.id, value });
    const answered = dialogue.currentMessage;
    const number = dialogue.order.length;
    const next = nextQuestion(pack, answersOf(dialogue));
    dialogue.current = next?.id ?? null;
    dialogue.currentMessage = undefined;
    let outcome: Outcome | undefined;
    if (!next) {
      outcome = evaluate(pack, answersOf(dialogue));
      dialogue.status = outcome.tier === 'stop' ? 'stopped' : 'complete';
      dialogue.completedAt = at;
      dialogue.result = {
        tier: outcome.tier,
        score: outcome.score,
        max: outcome.max,
        provisional: outcome.provisional,
      };
      dialogue.events.push({ at, by, type: 'completed' });
    }
    const record = recordIds.dialogue(dialogue.id);
    await this.deps.history.record(
      dialogue.tenant,
      record,
      input.by,
      'triage.answered',
      { questionId: question.id, value },
      pack.hash,
    );
    if (dialogue.result) {
      await this.deps.history.record(dialogue.tenant, record, input.by, 'triage.completed', dialogue.result, pack.hash);
    }
    if (answered) {
      this.deps.outbox.enqueue(dialogue, [
        { kind: 'collapse', ref: answered, questionId: question.id, value, by, number },
      ]);
    }
    if (next) this.deps.outbox.enqueue(dialogue, [{ kind: 'ask', step: dialogue.step, questionId: next.id }]);
    else this.deps.outbox.enqueue(dialogue, this.endEffects(dialogue));
    // The answer and what it owes the chat are durable before anything is posted.
    await this.commit(dialogue);
    if (outcome) this.deps.meter?.count({ kind: 'dialogue_completed', tier: outcome.tier });
  }

  private summaryComplete(dialogue: Dialogue): boolean {
    return Boolean(dialogue.summary?.thread && dialogue.summary.rootUpdated && dialogue.summary.shared);
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

/** A multi-choice question answered with one exclusive button ("None of these") arrives as a single option. */
function normalise(question: Question, value: AnswerValue): AnswerValue {
  if (question.kind === 'multi' && value.kind === 'option') return { kind: 'options', optionIds: [value.optionId] };
  return value;
}

function questionById(pack: Pack, id: string): Question {
  const question = pack.questions.find((q) => q.id === id);
  if (!question) throw new BadInputError(`Unknown question “${id}”.`);
  return question;
}

function lockKey(dialogue: { tenant: string; id: string }): string {
  return `t:${dialogue.tenant}:dialogue:${dialogue.id}`;
}

/** A dialogue's id, derived from its root message: stable, short, and the same on every replica. */
export function dialogueIdFor(root: MessageRef): string {
  return createHash('sha256').update(`${root.channel}/${root.id}`).digest('base64url').slice(0, 16);
}

function displayName(user: UserRef): string {
  return user.name ?? user.id;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'triage'
  );
}
