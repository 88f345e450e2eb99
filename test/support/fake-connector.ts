/**
 * A fake Bot Framework Connector (the REST service a Teams bot calls back on `serviceUrl`) on 127.0.0.1, for
 * driving the real teams-ai app offline. Answers the v3 calls botbuilder makes (Teams memo §4), records every call,
 * keeps the current content of every message (posts replayed with updates), validates every Adaptive Card the bot
 * sends (answering 400 like a picky channel), and can inject failures and latency.
 * In local mode (no app id) the bot sends no Authorization header; it is recorded anyway. With `verifyToken` the fake
 * checks it, as the real service does, and answers 401 to a call without a valid one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cardsIn, validateCard } from './adaptive-cards.js';
import { CallLog } from './call-log.js';
import { readBody } from './read-body.js';
import { ALICE, BOB } from './teams-activities.js';

export type ConnectorMethod = 'send' | 'reply' | 'create' | 'update' | 'delete' | 'members' | 'other';

export interface ConnectorCall {
  /** send: POST …/activities; reply: POST …/activities/{replyToId}; create: POST /v3/conversations. */
  method: ConnectorMethod;
  /** HTTP verb. */
  http: string;
  /** Raw request path (ids still URL-encoded). */
  path: string;
  /** Decoded. For `create`, the new conversation (a channel thread: `<channelId>;messageid=<activityId>`). */
  conversationId?: string;
  /** The new message's id (send/reply/create, when it succeeded) or the target (update/delete/members user id). */
  activityId?: string;
  /** For `reply`: the id in the path (in a proactive turn a fresh uuid, not a real message). */
  replyToId?: string;
  body: unknown;
  /** Epoch ms when the request arrived. */
  at: number;
  authorization?: string;
  /** HTTP status and JSON body the fake answered with. */
  status: number;
  response: unknown;
}

export interface ConnectorViolation {
  call: ConnectorCall;
  errors: string[];
}

/** One message as it currently looks in the fake Teams. */
export interface ConnectorMessage {
  conversationId: string;
  activityId: string;
  /** The posted activity, replaced wholesale by each update (PUT). */
  activity: Record<string, unknown>;
  cards: unknown[];
  /** How many updates replaced it. */
  updates: number;
}

export interface ConnectorMember {
  id: string;
  name: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
  userRole?: string;
}

export interface FakeConnectorOptions {
  /** Delay before every answer. */
  latencyMs?: number;
  /** A further delay for some calls (a conversation whose calls hang), by method and conversation. */
  delayFor?: (method: ConnectorMethod, conversationId: string | undefined) => number | undefined;
  /** Holds some calls before taking them in; one whose client went away meanwhile (a killed process) is dropped. */
  holdFor?: (method: ConnectorMethod, conversationId: string | undefined) => number | undefined;
  /** Adaptive Card validation of sent and updated activities; default true. */
  validate?: boolean;
  /** Updates/deletes of a message the fake never saw answer 404 (as Teams does); default true. */
  strictUpdates?: boolean;
  /** What GET …/members returns; a default member otherwise. */
  members?: ConnectorMember[];
  /**
   * Checks the bot's `Authorization` header on every call, as the real Bot Connector does: false answers 401 and
   * nothing is done. Unset (the default, local mode): every call is taken, with or without a header.
   */
  verifyToken?: (authorization: string | undefined) => boolean;
}

export interface FakeConnector {
  /** The bot's `serviceUrl`, with a trailing slash: `http://127.0.0.1:PORT/`. */
  url: string;
  port: number;
  /** Mutable, e.g. to add latency mid-test. */
  options: FakeConnectorOptions;
  calls: ConnectorCall[];
  violations: ConnectorViolation[];
  callsOf(...methods: ConnectorMethod[]): ConnectorCall[];
  /** Every message the bot posted, as it looks now (updates applied, deletes removed), in post order. */
  state(): ConnectorMessage[];
  /** The messages of one conversation; for a channel thread id this includes a root posted to the bare channel. */
  thread(conversationId: string): ConnectorMessage[];
  /** Resolves with all calls once `predicate(calls)` holds; rejects after `timeoutMs` listing the calls seen. */
  waitFor(predicate: (calls: ConnectorCall[]) => boolean, timeoutMs?: number, label?: string): Promise<ConnectorCall[]>;
  /** Resolves with the calls of `method` once there are at least `count`. */
  waitForCalls(method: ConnectorMethod, count: number, timeoutMs?: number): Promise<ConnectorCall[]>;
  /** The next `times` calls of `method` answer `status` (429 carries `Retry-After`, default 1 s). */
  failNext(method: ConnectorMethod, times: number, status: number, opts?: { retryAfterSeconds?: number }): void;
  /** Forgets calls, violations, messages and pending failures (ids keep increasing). */
  reset(): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
type Answer = { status: number; body: unknown; headers?: Record<string, string> };

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fail = (status: number, code: string, message: string): Answer => ({
  status,
  body: { error: { code, message } },
});
/** A channel thread id is `<channelId>;messageid=<rootId>`; updates may name either form. */
const channelOf = (conversationId: string) => conversationId.split(';messageid=')[0] ?? conversationId;

// Paths relative to serviceUrl: /v3/conversations[/{id}[/activities|members[/{id}]]]
const ROUTE = /^\/v3\/conversations(?:\/([^/]+)(?:\/(activities|members)(?:\/([^/]+))?)?)?\/?$/;

interface Route {
  method: ConnectorMethod;
  conversationId?: string;
  target?: string;
}

function route(httpMethod: string, path: string): Route {
  const m = ROUTE.exec(path);
  if (!m) return { method: 'other' };
  const [, conv, kind, id] = m;
  const conversationId = conv === undefined ? undefined : decodeURIComponent(conv);
  const target = id === undefined ? undefined : decodeURIComponent(id);
  const r = (method: ConnectorMethod): Route => ({ method, conversationId, target });
  if (conversationId === undefined) return r(httpMethod === 'POST' ? 'create' : 'other');
  if (kind === 'members') return r(httpMethod === 'GET' ? 'members' : 'other');
  if (kind !== 'activities') return r('other');
  if (httpMethod === 'POST') return r(target === undefined ? 'send' : 'reply');
  if (httpMethod === 'PUT' && target !== undefined) return r('update');
  if (httpMethod === 'DELETE' && target !== undefined) return r('delete');
  return r('other');
}

/**
 * The people of the test activities, as Teams lists members: both ordinary users. No tenantId: the fake serves
 * conversations of several tenants, and Teams leaves it out at times; a test of a guest or a foreign account sets
 * its own `members`.
 */
const DEFAULT_MEMBERS: ConnectorMember[] = [ALICE, BOB].map((user) => ({
  ...user,
  email: `${user.id.slice(8)}@example.org`,
  userPrincipalName: `${user.id.slice(8)}@example.org`,
  userRole: 'user',
}));

export async function startFakeConnector(opts: FakeConnectorOptions = {}): Promise<FakeConnector> {
  const log = new CallLog<ConnectorCall>('fake connector', (): string => describeCalls());
  const calls = log.calls;
  const violations: ConnectorViolation[] = [];
  const messages: ConnectorMessage[] = [];
  const failures = new Map<ConnectorMethod, { times: number; status: number; retryAfterSeconds: number }>();
  let seq = 0;
  // Teams message ids are epoch-ms-like numeric strings; these are fixed and increasing so tests are deterministic.
  const nextId = () => String(1_790_000_000_000 + ++seq);

  const find = (conversationId: string, activityId: string) =>
    messages.find((m) => m.activityId === activityId && m.conversationId === conversationId) ??
    messages.find((m) => m.activityId === activityId && channelOf(m.conversationId) === channelOf(conversationId));

  function post(conversationId: string, activity: unknown, activityId = nextId()): string {
    const act = isRecord(activity) ? activity : {};
    messages.push({
      conversationId,
      activityId,
      activity: { ...act, id: activityId },
      cards: cardsIn(act),
      updates: 0,
    });
    return activityId;
  }

  function injected(method: ConnectorMethod): Answer | undefined {
    const f = failures.get(method);
    if (!f || f.times <= 0) return undefined;
    f.times -= 1;
    const headers: Record<string, string> = f.status === 429 ? { 'retry-after': String(f.retryAfterSeconds) } : {};
    return {
      ...fail(f.status, f.status === 429 ? 'Throttled' : 'ServiceError', 'injected by fake connector'),
      headers,
    };
  }

  /** The Adaptive Card errors of an outgoing activity, or undefined when it is fine (or validation is off). */
  function cardErrors(activity: unknown): string[] | undefined {
    if (opts.validate === false) return undefined;
    const errors = cardsIn(activity).flatMap((card, i) => validateCard(card).map((e) => `card ${i}: ${e}`));
    return errors.length ? errors : undefined;
  }

  function answer(r: Route, body: unknown): { answer: Answer; activityId?: string; conversationId?: string } {
    const { method, conversationId, target } = r;
    switch (method) {
      case 'send':
      case 'reply': {
        const id = post(conversationId ?? '', body);
        return { answer: { status: 201, body: { id } }, activityId: id };
      }
      case 'create': {
        const params = isRecord(body) ? body : {};
        const channelData = isRecord(params.channelData) ? params.channelData : {};
        const channel = isRecord(channelData.channel) ? channelData.channel.id : undefined;
        if (!isRecord(params.activity)) {
          // A 1:1 chat without a first message: just a conversation id.
          const id = `a:created-${nextId()}`;
          return { answer: { status: 201, body: { id } }, conversationId: id };
        }
        // Teams answers a thread id (`…;messageid=…`) given as a channel with an error: a post goes to a channel.
        if (typeof channel === 'string' && channel.includes(';messageid='))
          return { answer: fail(400, 'BadArgument', 'Invalid channel id') };
        // New channel post: its thread's conversation id embeds the root message id.
        const activityId = nextId();
        const conv = typeof channel === 'string' ? `${channel};messageid=${activityId}` : `a:created-${activityId}`;
        post(conv, params.activity, activityId);
        return { answer: { status: 201, body: { id: conv, activityId } }, activityId, conversationId: conv };
      }
      case 'update': {
        const msg = find(conversationId ?? '', target ?? '');
        if (!msg && opts.strictUpdates !== false) return { answer: fail(404, 'NotFound', 'Activity not found') };
        const act = isRecord(body) ? { ...body, id: target } : { id: target };
        if (msg) Object.assign(msg, { activity: act, cards: cardsIn(act), updates: msg.updates + 1 });
        else
          messages.push({
            conversationId: conversationId ?? '',
            activityId: target ?? '',
            activity: act,
            cards: cardsIn(act),
            updates: 1,
          });
        return { answer: { status: 200, body: { id: target } } };
      }
      case 'delete': {
        const msg = find(conversationId ?? '', target ?? '');
        if (!msg && opts.strictUpdates !== false) return { answer: fail(404, 'NotFound', 'Activity not found') };
        if (msg) messages.splice(messages.indexOf(msg), 1);
        return { answer: { status: 200, body: {} } };
      }
      case 'members': {
        const members = opts.members ?? DEFAULT_MEMBERS;
        if (target === undefined) return { answer: { status: 200, body: members } };
        const found = members.find((m) => m.id === target || m.aadObjectId === target);
        return { answer: found ? { status: 200, body: found } : fail(404, 'MemberNotFound', `${target} not found`) };
      }
      default:
        return { answer: fail(404, 'NotFound', 'fake connector: unknown path') };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const raw = await readBody(req);
    const http = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const r = route(http, path);
    const hold = opts.holdFor?.(r.method, r.conversationId);
    if (hold) {
      await sleep(hold);
      if (req.socket.destroyed) return;
    }
    let body: unknown;
    let result: ReturnType<typeof answer> | undefined;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
      result = { answer: fail(400, 'BadSyntax', 'body is not JSON') };
    }
    const authorization = req.headers.authorization;
    const unauthorized = !result && opts.verifyToken !== undefined && !opts.verifyToken(authorization);
    if (unauthorized) result = { answer: fail(401, 'Unauthorized', 'fake connector: missing or invalid bearer token') };
    const outgoing = r.method === 'create' && isRecord(body) ? body.activity : body;
    const errors =
      !unauthorized && ['send', 'reply', 'create', 'update'].includes(r.method) ? cardErrors(outgoing) : undefined;
    const injectedFailure = unauthorized ? undefined : injected(r.method);
    if (result) {
      // unparseable body or refused token: already answered
    } else if (injectedFailure) result = { answer: injectedFailure };
    else if (errors) result = { answer: fail(400, 'BadArgument', `invalid Adaptive Card: ${errors.join('; ')}`) };
    else result = answer(r, body);
    if (opts.latencyMs) await sleep(opts.latencyMs);
    const extra = opts.delayFor?.(r.method, r.conversationId);
    if (extra) await sleep(extra);

    const { answer: a } = result;
    const call: ConnectorCall = {
      method: r.method,
      http,
      path,
      conversationId: result.conversationId ?? r.conversationId,
      activityId: result.activityId ?? (r.method === 'reply' ? undefined : r.target),
      replyToId: r.method === 'reply' ? r.target : undefined,
      body,
      at,
      authorization,
      status: a.status,
      response: a.body,
    };
    // Recorded just before answering, like the fake Slack: a waitFor never resolves on a call the fake hasn't handled.
    if (errors && !injectedFailure) violations.push({ call, errors });
    log.record(call);
    res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', ...a.headers });
    res.end(JSON.stringify(a.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'FakeConnectorError', message: String(err) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const describeCalls = (): string => {
    if (calls.length === 0) return 'none';
    const shown = calls.slice(-20).map((c) => `${c.method} ${c.conversationId ?? c.path} → ${c.status}`);
    return `${calls.length}${calls.length > 20 ? ' (last 20)' : ''}: ${shown.join(', ')}`;
  };
  const snapshot = (m: ConnectorMessage): ConnectorMessage => ({ ...m, cards: [...m.cards] });

  const fake: FakeConnector = {
    url: `http://127.0.0.1:${port}/`,
    port,
    options: opts,
    calls,
    violations,
    callsOf: (...methods) => calls.filter((c) => methods.includes(c.method)),
    state: () => messages.map(snapshot),
    thread(conversationId) {
      const [channel, root] = conversationId.split(';messageid=');
      return messages
        .filter((m) => m.conversationId === conversationId || (m.conversationId === channel && m.activityId === root))
        .map(snapshot);
    },
    waitFor: (predicate, timeoutMs, label) => log.waitFor(predicate, timeoutMs, label),
    waitForCalls: (method, count, timeoutMs) => log.waitForCalls(method, count, timeoutMs),
    failNext(method, times, status, { retryAfterSeconds = 1 } = {}) {
      failures.set(method, { times, status, retryAfterSeconds });
    },
    reset() {
      calls.length = 0;
      violations.length = 0;
      messages.length = 0;
      failures.clear();
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // botbuilder's HTTP client keeps connections alive; drop them so close() doesn't wait for their idle timeout.
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
