/**
 * Drives the contract features end to end, on Slack (Bolt over HTTP, signed requests) and Teams (teams-ai with
 * Bot Framework activities), against the fakes: a whole triage, the registration form, the digests the embedded
 * scheduler posts as a MutableClock moves, the buttons under them, and the commands. It reads back only what a
 * user would see (messages, modals, cards, files); tests may also peek at the store to count records.
 */
import type { Config } from '../../src/config.js';
import type { Contract } from '../../src/core/contracts/contract.js';
import type { EmbeddedScheduler } from '../../src/scheduler/embedded.js';
import { cardsIn } from '../support/adaptive-cards.js';
import type { ConnectorMessage } from '../support/fake-connector.js';
import type { FakeSlackCall, FakeSlackFile } from '../support/fake-slack.js';
import { type PostResult, postToSlackApp, type StateValues, viewSubmission } from '../support/slack-requests.js';
import { ALICE, TENANT_ID, type PostResult as TeamsPostResult, type TeamsUser } from '../support/teams-activities.js';
import { waitUntil } from '../support/wait.js';
import { rawAnswers } from '../unit/triage-helpers.js';
import { MutableClock } from './clock.js';
import { schedulerOf } from './logged-service.js';
import { CHANNEL, PROCUREMENT, SECRET, SlackHarness, type SlackMessage, TEAM } from './slack-harness.js';
import { type CardAction, cardActions, TeamsHarness } from './teams-harness.js';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export const TRIAGE_TITLE = 'Housing benefit claim risk scoring';
/** 1 Apr 2026, 09:00 in London (BST): the triage and the registration happen then. */
export const START = '2026-04-01T08:00:00Z';
export const SLACK_TENANT = `slack_${TEAM}`;
export const TEAMS_TENANT = `teams_${TENANT_ID}`;
export const DIGEST_HEADING = 'AI contract reminders';
/**
 * These tests register contracts straight from a triage, with no checklist ready for award: the form then asks an
 * admin why (test/e2e/*-procurement.test.ts test the gate itself).
 */
export const EARLY = 'Registered straight from the triage, before any checklist';

/** The fixture's answers by question id (a high-tier triage of a £6.2m UK contract). */
export const ANSWERS = rawAnswers('benefits-scoring');

/** 09:00 on a London date as an instant: 08:00Z in summer time, 09:00Z in winter. */
export function londonNine(date: string): Date {
  const probe = new Date(`${date}T12:00:00Z`);
  const hourThere = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' }).format(probe),
  );
  return new Date(probe.getTime() - (hourThere - 9) * 3_600_000);
}

// ---------------------------------------------------------------------------------------------------------------
// Slack

export interface SlackButton {
  actionId: string;
  label: string;
  value: string;
  payload: Json;
}

/** Every button of a message, in order. */
export function slackButtons(message: { blocks: unknown[] }): SlackButton[] {
  const out: SlackButton[] = [];
  for (const block of message.blocks.filter(isRecord)) {
    if (block.type !== 'actions' || !Array.isArray(block.elements)) continue;
    for (const element of block.elements.filter(isRecord)) {
      if (element.type !== 'button') continue;
      const value = str(element.value);
      const parsed: unknown = JSON.parse(value);
      out.push({
        actionId: str(element.action_id),
        label: isRecord(element.text) ? str(element.text.text) : '',
        value,
        payload: isRecord(parsed) ? parsed : {},
      });
    }
  }
  return out;
}

export function slackButton(message: { blocks: unknown[] }, action: string, label?: string): SlackButton {
  const found = slackButtons(message).find(
    (b) => b.actionId.split(':')[0] === action && (label === undefined || b.label === label),
  );
  if (!found) throw new Error(`no ${action} button${label ? ` "${label}"` : ''} on the message`);
  return found;
}

/** The mrkdwn text of every block (sections, fields, context), one block per line. */
export function slackText(message: { blocks: unknown[]; text?: string }): string {
  const lines: string[] = [];
  for (const block of message.blocks.filter(isRecord)) {
    const parts: string[] = [];
    if (isRecord(block.text)) parts.push(str(block.text.text));
    if (Array.isArray(block.fields)) for (const f of block.fields.filter(isRecord)) parts.push(str(f.text));
    if (Array.isArray(block.elements)) {
      for (const e of block.elements.filter(isRecord)) if (e.type === 'mrkdwn') parts.push(str(e.text));
    }
    if (parts.length) lines.push(parts.join(' '));
  }
  return lines.join('\n');
}

/** One digest item: its text line and the three buttons under it. */
export interface SlackDigestItem {
  text: string;
  buttons: SlackButton[];
}

/** The items of a digest (or of the kpi list): each section followed by its row of buttons. */
export function slackItems(message: { blocks: unknown[] }): SlackDigestItem[] {
  const blocks = message.blocks.filter(isRecord);
  const items: SlackDigestItem[] = [];
  blocks.forEach((block, i) => {
    const next = blocks[i + 1];
    if (block.type !== 'section' || !isRecord(block.text) || next?.type !== 'actions') return;
    items.push({ text: str(block.text.text), buttons: slackButtons({ blocks: [next] }) });
  });
  return items;
}

export interface SlackModal {
  callbackId: string;
  privateMetadata: string;
  title: string;
  blocks: Json[];
  /** The views.open call, for Block Kit checks. */
  view: Json;
}

export type FieldValue = string | string[] | null;

/**
 * `view.state.values` as Slack would send them for a modal left as it opened, with `overrides` typed in: each
 * input block's element gives its state shape (users_select → selected_user, datepicker → selected_date, …).
 */
export function modalState(modal: SlackModal, overrides: Record<string, FieldValue> = {}): StateValues {
  const values: StateValues = {};
  for (const block of modal.blocks) {
    if (block.type !== 'input' || !isRecord(block.element)) continue;
    const element = block.element;
    const id = str(block.block_id);
    const actionId = str(element.action_id);
    const type = str(element.type);
    const options = Array.isArray(element.options) ? element.options.filter(isRecord) : [];
    const optionFor = (value: string) =>
      options.find((o) => o.value === value) ?? { text: { type: 'plain_text', text: value }, value };
    const has = Object.hasOwn(overrides, id);
    const override = has ? overrides[id] : undefined;
    const single = Array.isArray(override) ? (override[0] ?? null) : (override ?? null);
    let state: Json;
    switch (type) {
      case 'users_select':
        state = { type, selected_user: has ? single : (element.initial_user ?? null) };
        break;
      case 'datepicker':
        state = { type, selected_date: has ? single : (element.initial_date ?? null) };
        break;
      case 'static_select':
        state = {
          type,
          selected_option: has ? (single === null ? null : optionFor(single)) : (element.initial_option ?? null),
        };
        break;
      case 'multi_static_select': {
        const list = has ? (Array.isArray(override) ? override : override ? [override] : []) : undefined;
        state = { type, selected_options: list ? list.map(optionFor) : (element.initial_options ?? []) };
        break;
      }
      default:
        state = { type, value: has ? single : (element.initial_value ?? null) };
    }
    values[id] = { [actionId]: state };
  }
  return values;
}

/** The value a modal's field opened with, as the bot would read it back. */
export function modalInitial(modal: SlackModal, id: string): FieldValue {
  const state = modalState(modal)[id]?.[id];
  if (!state) return null;
  if (Array.isArray(state.selected_options)) {
    return state.selected_options.filter(isRecord).map((o) => str(o.value));
  }
  if (isRecord(state.selected_option)) return str(state.selected_option.value);
  const scalar = state.selected_user ?? state.selected_date ?? state.value;
  return typeof scalar === 'string' ? scalar : null;
}

/** A message the bot posted only for one user (chat.postEphemeral), as the user sees it. */
export interface SlackEphemeral extends SlackMessage {
  user: string;
}

function ephemeralOf(call: FakeSlackCall): SlackEphemeral {
  const args = call.args;
  return {
    user: str(args.user),
    channel: str(args.channel),
    ts: str(call.response.message_ts),
    ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : {}),
    text: str(args.text),
    blocks: Array.isArray(args.blocks) ? args.blocks.filter(isRecord) : [],
  };
}

/** The Slack side: the real service on a MutableClock with the embedded scheduler, and a fake Slack. */
export class SlackContracts {
  private constructor(
    readonly harness: SlackHarness,
    readonly clock: MutableClock,
  ) {}

  static async start(
    at = START,
    env: Partial<Config> = {},
    store: { storeUrl?: string; namespace?: string } = {},
  ): Promise<SlackContracts> {
    const clock = new MutableClock(new Date(at));
    const harness = await SlackHarness.start({
      procurementChannel: PROCUREMENT,
      env: { scheduler: 'embedded', ...env },
      clock,
      ...store,
    });
    const slack = new SlackContracts(harness, clock);
    await slack.scheduler().stopTimer();
    return slack;
  }

  get fake() {
    return this.harness.fake;
  }

  close() {
    return this.harness.close();
  }

  /** Runs the fixture's triage to its end; returns the thread root and the summary with "Register contract". */
  async triage(title = TRIAGE_TITLE): Promise<{ root: SlackMessage; summary: SlackMessage }> {
    const h = this.harness;
    const ack = await h.command(`triage ${title}`);
    if (ack.status !== 200) throw new Error(`triage command answered ${ack.status}`);
    // The root of *this* triage: a test may run a second one after the first.
    const rootFor = () =>
      h.messages().find((m) => !m.threadTs && m.channel !== PROCUREMENT && JSON.stringify(m.blocks).includes(title));
    await waitUntil(() => rootFor() !== undefined, 5000, 'root message');
    const root = rootFor()!;
    const summaryOf = () =>
      h.thread(root.ts).find((m) => slackButtons(m).some((b) => b.actionId.startsWith('contract_register')));
    for (let i = 0; i < 30 && !summaryOf(); i++) {
      const question = h.currentQuestion(root.ts);
      if (!question) {
        await waitUntil(
          () => h.currentQuestion(root.ts) !== undefined || summaryOf() !== undefined,
          5000,
          'next question',
        );
        continue;
      }
      const id = h.questionIdOf(question);
      const answer = id ? ANSWERS[id] : undefined;
      if (!id || answer === undefined) throw new Error(`the fixture has no answer for ${id}`);
      await this.answer(root, question, answer);
      await waitUntil(
        () => summaryOf() !== undefined || (h.currentQuestion(root.ts)?.ts ?? question.ts) !== question.ts,
        5000,
        `the question after ${id}`,
      );
    }
    const summary = summaryOf();
    if (!summary) throw new Error('the triage did not finish');
    // The summary also goes to the procurement channel; let that finish before the test looks around.
    await waitUntil(
      () => h.messages().some((m) => m.channel === PROCUREMENT && JSON.stringify(m.blocks).includes(title)),
      5000,
      'procurement summary',
    );
    await h.settle(50);
    return { root, summary };
  }

  private async answer(root: SlackMessage, question: SlackMessage, value: string | string[]): Promise<void> {
    const buttons = slackButtons(question);
    const option = (o: string) => buttons.find((b) => b.actionId.startsWith('triage_answer') && b.payload.o === o);
    if (Array.isArray(value)) {
      const exclusive = value.length === 1 ? option(value[0] ?? '') : undefined;
      if (exclusive) await this.click(question, exclusive);
      else {
        const confirm = buttons.find((b) => b.actionId.startsWith('triage_confirm'));
        if (!confirm) throw new Error('no confirm button');
        const state = {
          triage_multi: { triage_multi: { type: 'checkboxes', selected_options: value.map((v) => ({ value: v })) } },
        };
        await this.click(question, confirm, 'UANA', state);
      }
    } else {
      const chosen = option(value);
      if (chosen) await this.click(question, chosen);
      else await this.harness.reply(root.ts, value);
    }
  }

  /** A signed block_actions click on a button of a message (or of an ephemeral message). */
  click(message: SlackMessage, button: SlackButton, user = 'UANA', stateValues?: StateValues): Promise<PostResult> {
    return this.harness.click(message, button, user, stateValues);
  }

  /** A command that opens a form (lesson, share): the modal Slack was asked to open on the command's trigger. */
  async commandModal(text: string, user = 'UANA'): Promise<SlackModal> {
    const opened = this.fake.callsOf('views.open').length;
    const ack = await this.harness.command(text, user);
    if (ack.status !== 200) throw new Error(`command answered ${ack.status}`);
    const [call] = (await this.fake.waitForCalls('views.open', opened + 1)).slice(opened);
    const view = call!.args.view as {
      callback_id: string;
      private_metadata: string;
      title: { text: string };
      blocks: [];
    };
    return {
      callbackId: view.callback_id,
      privateMetadata: view.private_metadata,
      title: view.title.text,
      blocks: view.blocks,
      view,
    };
  }

  /** Clicks a button that opens a form and returns the modal Slack was asked to open. */
  async openModal(message: SlackMessage, button: SlackButton, user = 'UANA'): Promise<SlackModal> {
    const before = this.fake.callsOf('views.open').length;
    const result = await this.click(message, button, user);
    if (result.status !== 200) throw new Error(`click answered ${result.status}`);
    const calls = await this.fake.waitForCalls('views.open', before + 1);
    const view = calls[before]?.args.view;
    if (!isRecord(view)) throw new Error('views.open without a view');
    return {
      callbackId: str(view.callback_id),
      privateMetadata: str(view.private_metadata),
      title: isRecord(view.title) ? str(view.title.text) : '',
      blocks: Array.isArray(view.blocks) ? view.blocks.filter(isRecord) : [],
      view,
    };
  }

  /** A signed view_submission of `modal` with `values`; the HTTP answer carries any `response_action`. */
  submit(modal: SlackModal, values: StateValues, user = 'UANA', viewId?: string): Promise<PostResult> {
    return postToSlackApp(
      this.harness.baseUrl,
      'form',
      viewSubmission({
        callbackId: modal.callbackId,
        privateMetadata: modal.privateMetadata,
        stateValues: values,
        userId: user,
        userName: user.toLowerCase(),
        teamId: TEAM,
        viewId,
        view: { title: { type: 'plain_text', text: modal.title }, blocks: modal.blocks },
      }),
      { secret: SECRET },
    );
  }

  /** `/aiprocure <text>` and the ephemeral answer (in the ack, or sent to the response_url afterwards). */
  async command(text: string, user = 'UANA'): Promise<{ ack: PostResult; reply: SlackMessage }> {
    const before = this.fake.calls.length;
    const ack = await this.harness.command(text, user);
    if (ack.status !== 200) throw new Error(`command answered ${ack.status}`);
    const inAck = isRecord(ack.json) && Array.isArray(ack.json.blocks) ? ack.json : undefined;
    let body: Json | undefined = inAck;
    if (!body) {
      const calls = await this.fake.waitFor(
        (cs) => cs.slice(before).some((c) => c.method === 'respond'),
        5000,
        `the answer to "${text}"`,
      );
      body = calls.slice(before).find((c) => c.method === 'respond')?.args;
    }
    return {
      ack,
      // Sent to the response_url: no ts of its own; its buttons are clicked in the channel of the command.
      reply: {
        channel: CHANNEL,
        ts: '0000000000.000001',
        text: str(body?.text),
        blocks: Array.isArray(body?.blocks) ? body.blocks.filter(isRecord) : [],
      },
    };
  }

  /** `/aiprocure contracts export <id>`: the file uploaded in the channel where the command was typed. */
  async exportFile(contractId: string): Promise<FakeSlackFile> {
    const before = this.fake.calls.length;
    const ack = await this.harness.command(`contracts export ${contractId}`);
    if (ack.status !== 200) throw new Error(`export answered ${ack.status}`);
    const calls = await this.fake.waitFor(
      (cs) => cs.slice(before).some((c) => c.method === 'files.completeUploadExternal'),
      5000,
      'the OCDS upload',
    );
    const listed = calls.slice(before).find((c) => c.method === 'files.completeUploadExternal')?.args.files;
    const id = Array.isArray(listed) && isRecord(listed[0]) ? listed[0].id : undefined;
    const file = this.fake.files.find((f) => f.id === id);
    if (!file?.completed) throw new Error('the upload did not complete');
    return file;
  }

  /** Ephemeral messages for `user` posted since call index `since`. */
  ephemeralsSince(since: number, user = 'UANA'): SlackEphemeral[] {
    return this.fake.calls
      .slice(since)
      .filter((c) => c.method === 'chat.postEphemeral' && c.status === 200 && c.args.user === user)
      .map(ephemeralOf);
  }

  /** Waits for the next ephemeral message to `user` after call index `since`. */
  async nextEphemeral(since: number, user = 'UANA'): Promise<SlackEphemeral> {
    await this.fake.waitFor(
      (calls) => calls.slice(since).some((c) => c.method === 'chat.postEphemeral' && c.args.user === user),
      5000,
      `an ephemeral message to ${user}`,
    );
    const found = this.ephemeralsSince(since, user)[0];
    if (!found) throw new Error('ephemeral message was refused by the fake');
    return found;
  }

  /** Every digest posted to the procurement channel so far. */
  digests(): SlackMessage[] {
    return this.harness
      .messages()
      .filter((m) => m.channel === PROCUREMENT && !m.threadTs && m.text.startsWith(DIGEST_HEADING));
  }

  /** Moves the clock to `at`, runs the scheduler once, and returns the digests it posted. */
  async tickAt(at: Date | string): Promise<SlackMessage[]> {
    this.clock.set(at);
    const before = this.digests().length;
    await this.scheduler().tick();
    return this.digests().slice(before);
  }

  /**
   * The service's embedded scheduler. The drivers stop its wall-clock timer right after start (its first tick has
   * run, with nothing registered yet), so digests go out only when a test ticks, at the MutableClock's time.
   */
  scheduler(): EmbeddedScheduler {
    return schedulerOf(this.harness.service);
  }

  /** The stored contracts of the workspace (to count what was saved; everything else is read from Slack). */
  async stored(): Promise<Contract[]> {
    const repository = this.harness.service?.contractRepository;
    if (!repository) throw new Error('no service');
    return repository.listByTenant(SLACK_TENANT);
  }

  /** "Start checklist" on the summary with a planned award date; resolves once the procurement is saved. */
  async startChecklist(summary: SlackMessage, award = '2026-06-01', user = 'UANA') {
    const modal = await this.openModal(summary, slackButton(summary, 'proc_start'), user);
    const result = await this.submit(modal, modalState(modal, { award }), user);
    if (result.body !== '') throw new Error(`checklist refused: ${result.body}`);
    const repository = this.harness.service?.procurementRepository;
    if (!repository) throw new Error('no service');
    await waitUntil(async () => (await repository.listByTenant(SLACK_TENANT)).length > 0, 5000, 'the procurement');
    const [procurement] = await repository.listByTenant(SLACK_TENANT);
    if (!procurement) throw new Error('no procurement saved');
    return procurement;
  }

  /** Registers the triage's contract with the modal as it opens, plus `overrides`; returns the new contract. */
  async register(
    summary: SlackMessage,
    overrides: Record<string, FieldValue> = {},
  ): Promise<{ contract: Contract; confirmation: SlackMessage }> {
    const modal = await this.openModal(summary, slackButton(summary, 'contract_register'));
    const before = this.harness.messages().length;
    const result = await this.submit(
      modal,
      modalState(modal, { supplier: 'Acme Analytics Ltd', early: EARLY, ...overrides }),
    );
    if (result.status !== 200 || result.body !== '') throw new Error(`registration refused: ${result.body}`);
    await waitUntil(
      () =>
        this.harness
          .messages()
          .slice(before)
          .some((m) => m.text.startsWith('Contract C-')),
      5000,
      'the registration confirmation',
    );
    const confirmation = this.harness
      .messages()
      .slice(before)
      .find((m) => m.text.startsWith('Contract C-'));
    const [contract] = await this.stored();
    if (!contract || !confirmation) throw new Error('no contract was saved');
    return { contract, confirmation };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Teams

export function cardAction(card: unknown, verb: string, title?: string): CardAction {
  const found = cardActions(card).find((a) => a.verb === verb && (title === undefined || a.title === title));
  if (!found) throw new Error(`no ${verb} action${title ? ` "${title}"` : ''} on the card`);
  return found;
}

/** The inputs of a form card with the values it opened with (what Teams would send back untouched). */
export function cardInputs(card: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) walk(item);
    else if (isRecord(node)) {
      if (str(node.type).startsWith('Input.') && typeof node.id === 'string') out[node.id] = str(node.value);
      for (const value of Object.values(node)) walk(value);
    }
  };
  walk(card);
  return out;
}

/** A RichTextBlock's runs joined as a reader sees them. */
const richText = (block: Json) =>
  (Array.isArray(block.inlines) ? block.inlines : []).map((run) => (isRecord(run) ? str(run.text) : str(run))).join('');

/** The card's top-level text blocks, one line each (runs joined), as a reader sees them. */
export function cardLines(card: unknown): string[] {
  const body = isRecord(card) && Array.isArray(card.body) ? card.body.filter(isRecord) : [];
  return body.filter((b) => b.type === 'RichTextBlock').map(richText);
}

/** The items of a digest card (or of the kpi list): each line followed by its row of actions. */
export function cardItems(card: unknown): { text: string; actions: CardAction[] }[] {
  const body = isRecord(card) && Array.isArray(card.body) ? card.body.filter(isRecord) : [];
  const items: { text: string; actions: CardAction[] }[] = [];
  body.forEach((block, i) => {
    // An escalated item has the TextBlock of its mentions between its line and its buttons.
    const next = body[i + 1]?.type === 'TextBlock' ? body[i + 2] : body[i + 1];
    if (block.type === 'RichTextBlock' && next?.type === 'ActionSet') {
      items.push({ text: richText(block), actions: cardActions(next) });
    }
  });
  return items;
}

/** Where an invoke's answer is a card, the card; undefined for a message answer. */
export function invokeCard(result: TeamsPostResult): unknown {
  return cardsIn(result.body)[0];
}

/** Where an invoke's answer is a message (a short note under the card), its text. */
export function invokeMessage(result: TeamsPostResult): string | undefined {
  const body = result.body;
  if (!isRecord(body) || body.type !== 'application/vnd.microsoft.activity.message') return undefined;
  return str(body.value);
}

export const PROCUREMENT_CHANNEL = '19:procurement-team@thread.tacv2';

/** The Teams side: the real service in local mode on a MutableClock with the embedded scheduler, a fake connector. */
export class TeamsContracts {
  private constructor(
    readonly harness: TeamsHarness,
    readonly clock: MutableClock,
  ) {}

  static async start(at = START, env: Partial<Config> = {}): Promise<TeamsContracts> {
    const clock = new MutableClock(new Date(at));
    const harness = await TeamsHarness.start({ env: { scheduler: 'embedded', ...env }, clock });
    await schedulerOf(harness.service).stopTimer();
    return new TeamsContracts(harness, clock);
  }

  get connector() {
    return this.harness.connector;
  }

  close() {
    return this.harness.close();
  }

  /** `@AI Procure <text>` as a new post in `channelId` (or a reply in the thread `rootId`); the cards it got back. */
  async say(text: string, where: { channelId?: string; rootId?: string } = {}): Promise<ConnectorMessage[]> {
    const before = this.connector.calls.length;
    const result = await this.harness.say(text, where);
    if (result.status !== 200) throw new Error(`"${text}" answered ${result.status}`);
    await this.connector.waitFor((calls) => calls.length > before, 5000, `the answer to "${text}"`);
    await this.harness.settle(50);
    const ids = new Set(this.connector.calls.slice(before).map((c) => c.activityId));
    return this.connector.state().filter((m) => ids.has(m.activityId));
  }

  /** Runs the fixture's triage in a thread of the default channel; returns the thread and the summary card. */
  async triage(title = TRIAGE_TITLE): Promise<{ thread: string; summary: ConnectorMessage }> {
    const rootId = String(1_790_000_500_000 + Math.floor(Math.random() * 1000));
    const result = await this.harness.say(`triage ${title}`, { rootId });
    if (result.status !== 200) throw new Error(`triage answered ${result.status}`);
    const h = this.harness;
    const thread = `19:channel-ai-buying@thread.tacv2;messageid=${rootId}`;
    const summaryOf = () =>
      this.connector.thread(thread).find((m) => cardActions(m.cards[0]).some((a) => a.verb === 'contract_register'));
    await waitUntil(() => h.currentQuestion(thread) !== undefined, 5000, 'the first question');
    for (let i = 0; i < 30 && !summaryOf(); i++) {
      const question = h.currentQuestion(thread);
      if (!question) {
        await waitUntil(() => h.currentQuestion(thread) !== undefined || summaryOf() !== undefined, 5000, 'next card');
        continue;
      }
      const id = h.questionIdOf(question);
      const value = id ? ANSWERS[id] : undefined;
      if (!id || value === undefined) throw new Error(`the fixture has no answer for ${id}`);
      const actions = cardActions(question.cards[0]);
      const option = (o: string) => actions.find((a) => a.verb === 'triage_answer' && a.data.o === o);
      const exclusive = Array.isArray(value) && value.length === 1 ? option(value[0] ?? '') : undefined;
      if (exclusive) await this.execute(question, exclusive);
      else if (Array.isArray(value)) {
        await this.execute(question, cardAction(question.cards[0], 'triage_confirm'), {
          triage_multi: value.join(','),
        });
      } else {
        const chosen = option(value);
        if (chosen) await this.execute(question, chosen);
        else await this.execute(question, cardAction(question.cards[0], 'triage_submit_text'), { triage_text: value });
      }
      await waitUntil(
        () =>
          summaryOf() !== undefined ||
          (h.currentQuestion(thread)?.activityId ?? question.activityId) !== question.activityId,
        5000,
        `the card after ${id}`,
      );
    }
    const summary = summaryOf();
    if (!summary) throw new Error('the triage did not finish');
    // The summary also goes to the procurement channel (a new post there), or the thread says none is set.
    const told = () =>
      this.connector.thread(thread).some((m) => JSON.stringify(m.cards).includes('No procurement channel is set'));
    await this.connector.waitFor(
      (calls) => calls.some((c) => c.method === 'create') || told(),
      5000,
      'the procurement summary',
    );
    await h.settle(50);
    return { thread, summary };
  }

  /** An Action.Execute click on a card of `message`, with `inputs` merged into its data as Teams does. */
  execute(
    message: ConnectorMessage,
    action: CardAction,
    inputs?: Record<string, string>,
    user: TeamsUser = ALICE,
  ): Promise<TeamsPostResult> {
    return this.harness.click(message, action, user, inputs);
  }

  /** Clicks an action that posts a card (a form, a contract) and returns the new message. */
  async executeForNewCard(
    message: ConnectorMessage,
    action: CardAction,
  ): Promise<{ result: TeamsPostResult; posted: ConnectorMessage }> {
    const before = this.connector.calls.length;
    const result = await this.execute(message, action);
    await this.connector.waitFor(
      (calls) => calls.slice(before).some((c) => ['send', 'reply'].includes(c.method) && c.status < 300),
      5000,
      `the card ${action.verb} posts`,
    );
    const id = this.connector.calls.slice(before).find((c) => ['send', 'reply'].includes(c.method))?.activityId;
    const posted = this.connector.state().find((m) => m.activityId === id);
    if (!posted) throw new Error('posted card not found');
    return { result, posted };
  }

  /** Digest cards posted to the procurement channel so far (each a new post there). */
  digests(channel = PROCUREMENT_CHANNEL): ConnectorMessage[] {
    return this.connector
      .state()
      .filter((m) => m.conversationId.startsWith(`${channel};messageid=`))
      .filter((m) => str(m.activity.summary).startsWith(DIGEST_HEADING));
  }

  async tickAt(at: Date | string, channel = PROCUREMENT_CHANNEL): Promise<ConnectorMessage[]> {
    this.clock.set(at);
    const before = this.digests(channel).length;
    await schedulerOf(this.harness.service).tick();
    return this.digests(channel).slice(before);
  }

  async stored(): Promise<Contract[]> {
    return this.harness.service.contractRepository.listByTenant(TEAMS_TENANT);
  }
}
