import { randomUUID } from 'node:crypto';
import type { RunningService } from '../../src/service.js';
import { cardsIn } from '../support/adaptive-cards.js';
import { untilQuiet } from '../support/call-log.js';
import { type ConnectorMessage, type FakeConnector, startFakeConnector } from '../support/fake-connector.js';
import { IssuerCredentialsFactory } from '../support/issuer-credentials.js';
import { type Claims, CONNECTOR_AUDIENCE, type LocalIssuer } from '../support/local-issuer.js';
import {
  ALICE,
  actionExecute,
  CHANNEL_ID,
  type Common,
  type ConversationType,
  channelMessage,
  conversationUpdateBotAdded,
  type PostResult,
  personalMessage,
  postActivity,
  type TeamsUser,
  type Where,
} from '../support/teams-activities.js';
import { rawAnswers } from '../unit/triage-helpers.js';
import { type LoggedServiceOptions, startLoggedService } from './logged-service.js';

/** The answers the triage helpers give by default: a benefits-scoring system (High tier). */
const BENEFITS = rawAnswers('benefits-scoring');

/** An Action.Execute as a reader clicks it. Its data is what the card put there: {d, s, q?, o?} on a triage card. */
export interface CardAction {
  title: string;
  verb: string;
  data: Record<string, unknown>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every Action.Execute on a card, wherever it sits. */
export function cardActions(card: unknown): CardAction[] {
  const out: CardAction[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) walk(item);
    else if (isRecord(node)) {
      if (node.type === 'Action.Execute') {
        out.push({
          title: typeof node.title === 'string' ? node.title : '',
          verb: typeof node.verb === 'string' ? node.verb : '',
          data: isRecord(node.data) ? node.data : {},
        });
      }
      for (const value of Object.values(node)) walk(value);
    }
  };
  walk(card);
  return out;
}

export function messageCard(message: ConnectorMessage): unknown {
  return message.cards[0];
}

/** Credentials for the harness: the bot authenticates every activity, and its own calls, against a local issuer. */
export interface HarnessAuthOptions {
  issuer: LocalIssuer;
  /** The bot's Entra app id (MICROSOFT_APP_ID). */
  appId: string;
  /** Its client secret; a fresh random one by default. The issuer's token endpoint learns it. */
  password?: string;
  /** ALLOWED_TENANTS: lower-case Entra tenant ids, or '*'. */
  allowedTenants: string[] | '*';
}

export interface HarnessAuth {
  issuer: LocalIssuer;
  appId: string;
  password: string;
  /** The credentials factory botbuilder uses for outbound calls (it records what it was asked for). */
  credentials: IssuerCredentialsFactory;
}

/**
 * The real service (teams-ai, real store) against a fake Bot Connector; drives it like Teams would. By default in
 * local mode (no app id, no authentication); with `auth`, authenticated: every activity is posted with a freshly signed
 * channel token, and the fake connector takes only calls that carry the issuer's token for this bot.
 */
export class TeamsHarness {
  private constructor(
    readonly connector: FakeConnector,
    readonly service: RunningService,
    readonly baseUrl: string,
    readonly logs: string[],
    readonly auth?: HarnessAuth,
  ) {}

  static async start(options: LoggedServiceOptions & { connector?: FakeConnector; auth?: HarnessAuthOptions } = {}) {
    const connector = options.connector ?? (await startFakeConnector());
    // Alice leads procurement in these tests: an admin. Role tests use others.
    const admins = [ALICE.aadObjectId];
    if (!options.auth) {
      const { service, baseUrl, logs } = await startLoggedService({ teams: { enabled: true }, admins }, options);
      return new TeamsHarness(connector, service, baseUrl, logs);
    }
    const { issuer, appId, allowedTenants } = options.auth;
    const password = options.auth.password ?? `secret-${randomUUID()}`;
    issuer.addClient(appId, password);
    const credentials = new IssuerCredentialsFactory({ appId, password, authority: issuer.authority });
    // The Bot Connector takes a call only with a token the issuer signed for it, for this bot.
    connector.options.verifyToken ??= (authorization) =>
      /^Bearer \S+$/.test(authorization ?? '') &&
      issuer.verify(authorization!.slice(7), { audience: CONNECTOR_AUDIENCE, clientId: appId }) !== undefined;
    const { service, baseUrl, logs } = await startLoggedService(
      {
        teams: { enabled: true, credentials: { appId, password, type: 'MultiTenant' }, allowedTenants },
        admins,
      },
      {
        ...options,
        teamsAuth: { botFrameworkAuthConfig: issuer.botFrameworkAuthConfig(), credentialsFactory: credentials },
      },
    );
    return new TeamsHarness(connector, service, baseUrl, logs, { issuer, appId, password, credentials });
  }

  /** Drives a service running in another process (local mode) against `connector`; it has no service in hand. */
  static attach(connector: FakeConnector, baseUrl: string): TeamsHarness {
    const elsewhere = new Proxy({} as RunningService, {
      get: () => {
        throw new Error('this harness drives a child process: read its store directly');
      },
    });
    return new TeamsHarness(connector, elsewhere, baseUrl, []);
  }

  /** A channel token for `serviceUrl` as the Bot Framework signs it for this bot (`claims` replace or add claims). */
  channelToken(serviceUrl: string, claims?: Claims): string {
    if (!this.auth) throw new Error('the harness runs in local mode: start it with `auth`');
    return this.auth.issuer.channelToken({ appId: this.auth.appId, serviceUrl, claims });
  }

  /**
   * POSTs an activity to /api/messages as Teams does: with credentials, under a freshly signed channel token whose
   * `serviceurl` is the activity's; in local mode, without one. `headers` are added (or replace the token).
   */
  post(activity: { serviceUrl?: unknown }, headers: Record<string, string> = {}): Promise<PostResult> {
    const auth: Record<string, string> = this.auth
      ? { authorization: `Bearer ${this.channelToken(String(activity.serviceUrl ?? ''))}` }
      : {};
    return postActivity(this.baseUrl, activity, { ...auth, ...headers });
  }

  async close(closeConnector = true) {
    await this.service.close();
    if (closeConnector) await this.connector.close();
  }

  /** A message to the bot: in a channel it starts a new post (thread) unless `rootId` names one. */
  say(
    text: string,
    where: { type?: ConversationType; rootId?: string; channelId?: string; user?: TeamsUser; tenantId?: string } = {},
  ) {
    const common = { serviceUrl: this.connector.url, user: where.user ?? ALICE, tenantId: where.tenantId };
    if ((where.type ?? 'channel') === 'personal') return this.post(personalMessage({ ...common, text }));
    const rootId = where.rootId ?? String(Date.now()) + Math.floor(Math.random() * 1000);
    return this.post(channelMessage({ ...common, text, id: rootId, rootId, channelId: where.channelId ?? CHANNEL_ID }));
  }

  /** The bot added to a personal chat, a group chat or a team, as Teams tells it (a conversationUpdate). */
  botAdded(where: Omit<Common, 'serviceUrl'> & Where = {}): Promise<PostResult> {
    return this.post(conversationUpdateBotAdded({ serviceUrl: this.connector.url, ...where }));
  }

  /** The question card waiting for an answer in a conversation (thread), if any. */
  currentQuestion(conversationId: string): ConnectorMessage | undefined {
    return this.connector
      .thread(conversationId)
      .filter((m) =>
        cardActions(messageCard(m)).some((a) => a.verb === 'triage_dont_know' || a.verb === 'triage_answer'),
      )
      .at(-1);
  }

  questionIdOf(message: ConnectorMessage): string | undefined {
    const q = cardActions(messageCard(message)).find((a) => a.data.q)?.data.q;
    return typeof q === 'string' ? q : undefined;
  }

  /** An Action.Execute click on the card of `message`, with `inputs` merged into its data as Teams does. */
  click(
    message: ConnectorMessage,
    action: CardAction,
    user: TeamsUser = ALICE,
    inputs?: Record<string, string>,
    id?: string,
  ): Promise<PostResult> {
    const conversationType: ConversationType = message.conversationId.includes(';messageid=')
      ? 'channel'
      : message.conversationId.startsWith('a:')
        ? 'personal'
        : 'groupChat';
    return this.post(
      actionExecute({
        serviceUrl: this.connector.url,
        user,
        id: id ?? randomUUID(),
        verb: action.verb,
        data: action.data,
        inputs,
        title: action.title,
        replyToId: message.activityId,
        conversationType,
        conversationId: message.conversationId,
      }),
    );
  }

  /** Answers the current question (option id, ids, text or "dontKnow") and waits until the bot has moved on. */
  async answer(conversationId: string, value: string | string[], user: TeamsUser = ALICE): Promise<PostResult> {
    const question = this.currentQuestion(conversationId);
    if (!question) throw new Error('no open question');
    const actions = cardActions(messageCard(question));
    const before = this.connector.calls.length;
    let result: PostResult;
    if (value === 'dontKnow')
      result = await this.click(question, must(actions.find((a) => a.verb === 'triage_dont_know')), user);
    else if (Array.isArray(value)) {
      const exclusive =
        value.length === 1 ? actions.find((a) => a.verb === 'triage_answer' && a.data.o === value[0]) : undefined;
      result = exclusive
        ? await this.click(question, exclusive, user)
        : await this.click(question, must(actions.find((a) => a.verb === 'triage_confirm')), user, {
            triage_multi: value.join(','),
          });
    } else {
      const option = actions.find((a) => a.verb === 'triage_answer' && a.data.o === value);
      result = option
        ? await this.click(question, option, user)
        : await this.click(question, must(actions.find((a) => a.verb === 'triage_submit_text')), user, {
            triage_text: value,
          });
    }
    // A refreshed card means the bot moved on: wait for the next card (or the summary) to be posted.
    const refreshed =
      (result.body as { type?: string } | undefined)?.type === 'application/vnd.microsoft.card.adaptive';
    await this.connector.waitFor(
      (calls) =>
        calls
          .slice(before)
          .some((c) => (refreshed ? ['reply', 'send', 'create'] : ['update', 'reply', 'send']).includes(c.method)),
      5000,
      'bot reaction',
    );
    await this.settle();
    return result;
  }

  /**
   * Starts a triage in a new channel post and answers from `answers` (by default the benefits-scoring fixture)
   * until `stopAt` is the current question ('__end__': to the end); answers the triage's thread.
   */
  async triageUntil(stopAt: string, title = 'Benefit fraud scoring', answers = BENEFITS): Promise<string> {
    const rootId = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
    await this.say(`triage ${title}`, { rootId });
    const thread = `${CHANNEL_ID};messageid=${rootId}`;
    await this.connector.waitFor(() => this.currentQuestion(thread) !== undefined, 5000, 'first question');
    for (let i = 0; i < 20; i++) {
      const question = this.currentQuestion(thread);
      const id = question && this.questionIdOf(question);
      if (!id || id === stopAt) break;
      await this.answer(thread, answers[id]!);
    }
    const current = this.currentQuestion(thread);
    if (stopAt !== '__end__' && (!current || this.questionIdOf(current) !== stopAt)) {
      throw new Error(`the triage never reached ${stopAt}`);
    }
    return thread;
  }

  /** Waits until the connector has seen no call for a short while (the bot finished its work after the ack). */
  settle(quietMs = 150, timeoutMs = 8000): Promise<void> {
    return untilQuiet(this.connector.calls, quietMs, timeoutMs);
  }

  /** Every card the bot sent or updated, and every card it answered an invoke with. */
  allCards(extra: PostResult[] = []): unknown[] {
    return [
      ...this.connector.calls.flatMap((call) => cardsIn(call.body)),
      ...extra.flatMap((result) => cardsIn(result.body)),
    ];
  }
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected card action not found');
  return value;
}
