import type { RunningService } from '../../src/service.js';
import { untilQuiet } from '../support/call-log.js';
import { type FakeInstall, type FakeSlack, type FakeSlackCall, startFakeSlack } from '../support/fake-slack.js';
import {
  blockAction,
  messageEvent,
  type PostResult,
  postToSlackApp,
  type StateValues,
  slashCommand,
} from '../support/slack-requests.js';
import { rawAnswers } from '../unit/triage-helpers.js';
import { type LoggedServiceOptions, startLoggedService } from './logged-service.js';

/** The answers the triage helpers give by default: a benefits-scoring system (High tier). */
const BENEFITS = rawAnswers('benefits-scoring');

export const SECRET = 'test-signing-secret';
export const BOT_TOKEN = 'xoxb-test-bot-token-1234';
/** OAuth mode: the app's credentials (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET). */
export const OAUTH = {
  clientId: '111.222',
  clientSecret: 'test-client-secret-0123456789',
  stateSecret: 'test-state-secret-0123456789',
};
export const TEAM = 'T111';
export const CHANNEL = 'CTRIAGE1';
export const PROCUREMENT = 'CPROCURE1';
/** The admin of the test workspace (ADMINS). */
export const ADMIN = 'UANA';

/** The environment of the service as a child process (`npm start`): one workspace over HTTP, against `fake`. */
export function slackChildEnv(fake: FakeSlack, extra: Record<string, string> = {}): Record<string, string> {
  return { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, ...extra };
}

export interface SlackMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: Array<Record<string, unknown>>;
}

export interface Button {
  actionId: string;
  value: string;
  label: string;
  payload: { d: string; s: number; q?: string; o?: string };
}

/** The real service (Bolt over HTTP, real store) against a fake Slack Web API; drives it like Slack would. */
export class SlackHarness {
  private constructor(
    readonly fake: FakeSlack,
    readonly service: RunningService | undefined,
    readonly baseUrl: string,
    /** Every log line the service wrote, for redaction checks. */
    readonly logs: string[],
  ) {}

  /** Drives a service running elsewhere (a child process) at `baseUrl`. */
  static attach(fake: FakeSlack, baseUrl: string): SlackHarness {
    return new SlackHarness(fake, undefined, baseUrl, []);
  }

  /**
   * One workspace with SLACK_BOT_TOKEN, or with `oauth` the distributed app: no token until a workspace installs it
   * (`install`), each workspace then with its own.
   */
  static async start(
    options: LoggedServiceOptions & { procurementChannel?: string; fake?: FakeSlack; oauth?: boolean } = {},
  ): Promise<SlackHarness> {
    const fake = options.fake ?? (await startFakeSlack({ teamId: TEAM, oauth: OAUTH }));
    fake.options.oauth ??= OAUTH;
    const slack = options.oauth
      ? { oauth: OAUTH, signingSecret: SECRET, apiUrl: fake.url, socketMode: false }
      : { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: fake.url, socketMode: false };
    const { service, baseUrl, logs } = await startLoggedService(
      {
        procurementChannel: options.procurementChannel,
        // UANA leads procurement in these tests: an admin. Role tests use others.
        admins: [ADMIN],
        slack,
        teams: { enabled: false },
      },
      options,
    );
    return new SlackHarness(fake, service, baseUrl, logs);
  }

  /**
   * Installs the app in a workspace the way a person does: /slack/install redirects to Slack's authorize page with a
   * signed state (and its cookie); Slack sends the browser back to /slack/oauth_redirect with a code, which the bot
   * exchanges with oauth.v2.access. Answers the final page.
   */
  async install(install: FakeInstall): Promise<{ status: number; page: string }> {
    const start = await fetch(`${this.baseUrl}/slack/install`, { redirect: 'manual' });
    const location = start.headers.get('location') ?? '';
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const state = new URL(location).searchParams.get('state');
    if (start.status !== 302 || !state) throw new Error(`/slack/install answered ${start.status} ${location}`);
    const code = this.fake.authorizationCode(install);
    const done = await fetch(`${this.baseUrl}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    return { status: done.status, page: await done.text() };
  }

  async close(closeFake = true) {
    await this.service?.close();
    if (closeFake) await this.fake.close();
  }

  command(
    text: string,
    user = 'UANA',
    channel = CHANNEL,
    extra: { triggerId?: string; retryNum?: number; teamId?: string; orgInstall?: string } = {},
  ) {
    return postToSlackApp(
      this.baseUrl,
      'form',
      slashCommand({
        text,
        userId: user,
        userName: user.toLowerCase(),
        channelId: channel,
        teamId: extra.teamId ?? TEAM,
        ...(extra.orgInstall ? { enterpriseId: extra.orgInstall, isEnterpriseInstall: true } : {}),
        responseUrl: this.fake.responseUrl(`cmd-${Date.now()}-${Math.random()}`),
        triggerId: extra.triggerId,
      }),
      { secret: SECRET, retryNum: extra.retryNum },
    );
  }

  /** Every message as it looks now: posts replayed with their updates. */
  messages(): SlackMessage[] {
    const byTs = new Map<string, SlackMessage>();
    for (const call of this.fake.calls) {
      if (call.status !== 200 || call.response.ok !== true) continue;
      const args = call.args as { channel?: string; ts?: string; thread_ts?: string; text?: string; blocks?: unknown };
      if (call.method === 'chat.postMessage') {
        const ts = String(call.response.ts);
        byTs.set(ts, {
          channel: String(call.response.channel ?? args.channel),
          ts,
          threadTs: args.thread_ts,
          text: String(args.text ?? ''),
          blocks: (args.blocks as SlackMessage['blocks']) ?? [],
        });
      } else if (call.method === 'chat.update' && args.ts) {
        const before = byTs.get(args.ts);
        if (before)
          byTs.set(args.ts, {
            ...before,
            text: String(args.text ?? ''),
            blocks: (args.blocks as SlackMessage['blocks']) ?? [],
          });
      }
    }
    return [...byTs.values()];
  }

  rootOf(title: string): SlackMessage {
    const root = this.messages().find((m) => !m.threadTs && JSON.stringify(m.blocks).includes(title));
    if (!root) throw new Error(`no root message for ${title}`);
    return root;
  }

  thread(rootTs: string): SlackMessage[] {
    return this.messages().filter((m) => m.threadTs === rootTs);
  }

  /** The question waiting for an answer: the last thread message that still has answer buttons. */
  currentQuestion(rootTs: string): SlackMessage | undefined {
    return this.thread(rootTs)
      .filter((m) =>
        buttons(m).some((b) => b.actionId.startsWith('triage_dont_know') || b.actionId.startsWith('triage_answer')),
      )
      .at(-1);
  }

  ephemerals(user?: string): FakeSlackCall[] {
    return this.fake.callsOf('chat.postEphemeral').filter((c) => !user || c.args.user === user);
  }

  /** A signed block_actions click on a button of a message (or of an ephemeral message); only its id and value count. */
  click(
    message: SlackMessage,
    button: Pick<Button, 'actionId' | 'value'>,
    user = 'UANA',
    stateValues?: StateValues,
    teamId = TEAM,
  ): Promise<PostResult> {
    return postToSlackApp(
      this.baseUrl,
      'form',
      blockAction({
        actionId: button.actionId,
        value: button.value,
        userId: user,
        userName: user.toLowerCase(),
        channelId: message.channel,
        teamId,
        messageTs: message.ts,
        threadTs: message.threadTs,
        stateValues,
        responseUrl: this.fake.responseUrl(`act-${Date.now()}`),
        message: { blocks: message.blocks, text: message.text },
      }),
      { secret: SECRET },
    );
  }

  reply(rootTs: string, text: string, user = 'UANA', extra: { eventId?: string; retryNum?: number } = {}) {
    return postToSlackApp(
      this.baseUrl,
      'json',
      messageEvent({ text, userId: user, channelId: CHANNEL, teamId: TEAM, threadTs: rootTs, eventId: extra.eventId }),
      { secret: SECRET, retryNum: extra.retryNum },
    );
  }

  /** Answers the current question (by option id, ids, text or "dontKnow") and waits until the bot moved on. */
  async answer(rootTs: string, value: string | string[], user = 'UANA'): Promise<PostResult> {
    const question = this.currentQuestion(rootTs);
    if (!question) throw new Error('no open question');
    const before = this.fake.calls.length;
    const all = buttons(question);
    const questionId = all.find((b) => b.payload.q)?.payload.q;
    let result: PostResult;
    if (value === 'dontKnow') {
      result = await this.click(question, must(all.find((b) => b.actionId.startsWith('triage_dont_know'))), user);
    } else if (Array.isArray(value)) {
      const exclusive =
        value.length === 1
          ? all.find((b) => b.actionId.startsWith('triage_answer') && b.payload.o === value[0])
          : undefined;
      if (exclusive) result = await this.click(question, exclusive, user);
      else {
        const state = {
          triage_multi: { triage_multi: { type: 'checkboxes', selected_options: value.map((v) => ({ value: v })) } },
        };
        result = await this.click(
          question,
          must(all.find((b) => b.actionId.startsWith('triage_confirm'))),
          user,
          state,
        );
      }
    } else {
      const option = all.find((b) => b.actionId.startsWith('triage_answer') && b.payload.o === value);
      if (option) result = await this.click(question, option, user);
      else result = await this.reply(rootTs, value, user);
    }
    await this.fake.waitFor(
      (calls) =>
        calls.length > before &&
        calls.slice(before).some((c) => c.method === 'chat.postMessage' || c.method === 'chat.postEphemeral'),
      5000,
      `answer ${questionId}=${JSON.stringify(value)}`,
    );
    await this.settle();
    return result;
  }

  /**
   * Starts a triage in the test channel and answers from `answers` (by default the benefits-scoring fixture) until
   * `stopAt` is the current question ('__end__': to the end); answers the triage's root message.
   */
  async triageUntil(stopAt: string, title = 'Benefit fraud scoring', answers = BENEFITS): Promise<SlackMessage> {
    await this.command(`triage ${title}`);
    await this.fake.waitFor(() => this.messages().some((m) => m.threadTs), 5000, 'first question');
    const root = this.rootOf(title);
    for (let i = 0; i < 20; i++) {
      const question = this.currentQuestion(root.ts);
      const id = question && this.questionIdOf(question);
      if (!id || id === stopAt) break;
      await this.answer(root.ts, answers[id]!);
    }
    const current = this.currentQuestion(root.ts);
    if (stopAt !== '__end__' && (!current || this.questionIdOf(current) !== stopAt)) {
      throw new Error(`the triage never reached ${stopAt}`);
    }
    return root;
  }

  /** Waits until the fake has seen no call for a short while (the bot finished its work after the ack). */
  settle(quietMs = 150, timeoutMs = 8000): Promise<void> {
    return untilQuiet(this.fake.calls, quietMs, timeoutMs);
  }

  questionIdOf(message: SlackMessage): string | undefined {
    return buttons(message).find((b) => b.payload.q)?.payload.q;
  }
}

export function buttons(message: SlackMessage): Button[] {
  const out: Button[] = [];
  for (const block of message.blocks) {
    if (block.type !== 'actions') continue;
    for (const element of (block.elements as Array<Record<string, unknown>>) ?? []) {
      if (element.type !== 'button') continue;
      const value = String(element.value ?? '');
      out.push({
        actionId: String(element.action_id),
        value,
        label: String((element.text as { text?: string })?.text ?? ''),
        payload: JSON.parse(value),
      });
    }
  }
  return out;
}

export function textOf(message: { blocks: unknown; text?: string }): string {
  return `${message.text ?? ''}\n${JSON.stringify(message.blocks)}`;
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected button not found');
  return value;
}
