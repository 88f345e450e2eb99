/**
 * A fake Slack Web API on 127.0.0.1 for driving the real Bolt app offline. It records every call, answers like Slack
 * for the methods the bot uses, validates outgoing Block Kit (answering `invalid_blocks` as Slack does), serves the
 * files v2 upload flow and response_url targets, and can simulate rate limits and latency.
 * Kept allocation-light: it also backs a benchmark at 20 concurrent requests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateMessage, validateView } from './blockkit.js';
import { CallLog } from './call-log.js';
import { readBytes } from './read-body.js';

export interface FakeSlackCall {
  /** Web API method (`chat.postMessage`), `respond` for response_url posts, `upload` for file bytes. */
  method: string;
  /** From `Authorization: Bearer …`, else the `token` argument. */
  token?: string;
  args: Record<string, unknown>;
  /** Epoch ms when the request arrived. */
  at: number;
  /** The id in `/respond/<id>` or `/upload/<id>`. */
  target?: string;
  /** The tag of a `/via/<tag>/api/…` base URL: which of several clients sharing the fake made the call. */
  via?: string;
  /** HTTP status and JSON body the fake answered with. */
  status: number;
  response: Record<string, unknown>;
}

export interface FakeSlackFile {
  id: string;
  filename: string;
  length?: number;
  title?: string;
  content?: string;
  channel?: string;
  thread_ts?: string;
  initial_comment?: string;
  /** True once `files.completeUploadExternal` named this file. */
  completed: boolean;
}

export interface FakeSlackUser {
  id: string;
  name: string;
  real_name: string;
  tz: string;
  tz_offset: number;
  /** Workspace roles and guest kinds, as users.info reports them. */
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
}

export interface FakeSlackViolation {
  method: string;
  errors: string[];
  args: Record<string, unknown>;
}

export interface FakeSlackOptions {
  teamId?: string;
  /** What `apps.connections.open` returns as `url` (the fake Socket Mode server's ws URL). */
  socketModeUrl?: string;
  /** Per-user overrides for `users.info`. */
  users?: Record<string, Partial<FakeSlackUser>>;
  /** Channels that answer `channel_not_found`. */
  unknownChannels?: string[];
  /** Channels where posting answers `not_in_channel` (conversations.info shows is_member:false). */
  notInChannels?: string[];
  /** Channels that are archived: posting there answers `is_archived`. */
  archivedChannels?: string[];
  /** An error code to answer a call with instead of its result (e.g. `internal_error`), by method and arguments. */
  errorFor?: (method: string, args: Record<string, unknown>) => string | undefined;
  /** Delay before every answer. */
  latencyMs?: number;
  /** A further delay for some calls (a channel whose API calls hang), by method and arguments. */
  delayFor?: (method: string, args: Record<string, unknown>) => number | undefined;
  /**
   * Holds some calls before Slack takes them in, for that long; a call whose client went away meanwhile (a process
   * killed) is dropped unseen, as Slack never receives a request that did not arrive whole.
   */
  holdFor?: (method: string, args: Record<string, unknown>) => number | undefined;
  /** Block Kit validation of posted messages and views; default true. */
  validate?: boolean;
  /** The app's OAuth credentials, which `oauth.v2.access` checks. */
  oauth?: { clientId: string; clientSecret: string };
}

/** An installation as the fake's `oauth.v2.access` grants it. */
export interface FakeInstall {
  teamId?: string;
  enterpriseId?: string;
  /** The person installing. */
  userId: string;
  /** Token rotation: access tokens then expire after this many seconds and come with a refresh token. */
  expiresIn?: number;
}

export interface FakeSlack {
  /** Base Web API URL with the trailing slash Bolt's `slackApiUrl` needs, e.g. `http://127.0.0.1:PORT/api/`. */
  url: string;
  port: number;
  /** Mutable so a Socket Mode server started later can be plugged in. */
  options: FakeSlackOptions;
  calls: FakeSlackCall[];
  files: FakeSlackFile[];
  violations: FakeSlackViolation[];
  callsOf(method: string): FakeSlackCall[];
  /** Resolves with all calls once `predicate(calls)` holds; rejects after `timeoutMs` listing the methods seen. */
  waitFor(predicate: (calls: FakeSlackCall[]) => boolean, timeoutMs?: number, label?: string): Promise<FakeSlackCall[]>;
  /** Resolves with the calls of `method` once there are at least `count`. */
  waitForCalls(method: string, count: number, timeoutMs?: number): Promise<FakeSlackCall[]>;
  /** A response_url served by this fake; posts to it are recorded as method `respond` with `target: id`. */
  responseUrl(id: string): string;
  /** The next `times` calls of `method` answer HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(method: string, opts: { times: number; retryAfterSeconds: number }): void;
  /** A one-time OAuth code that `oauth.v2.access` exchanges for an installation of the app. */
  authorizationCode(install: FakeInstall): string;
  /** A bot token for an installation, as if its OAuth had run (for seeding a store). */
  issueToken(install: FakeInstall): string;
  /** The Web API base URL tagged `via` (recorded on each call), for telling apart clients that share the fake. */
  urlVia(tag: string): string;
  /** The workspace (or org) a bot token acts for; undefined for a token the fake never issued. */
  teamOf(token: string): string | undefined;
  /** Tokens the fake has issued, newest last. */
  tokens(): string[];
  /** From now on the token answers `token_revoked`, as after an uninstall. */
  revoke(token: string): void;
  /** Forgets calls, files, violations and pending rate limits (ts and ids keep increasing). */
  reset(): void;
  close(): Promise<void>;
}

type Answer = { status?: number; body: Record<string, unknown>; headers?: Record<string, string> };
type Args = Record<string, unknown>;

const CHAT_METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral']);
const CHANNEL_METHODS = new Set([...CHAT_METHODS, 'chat.getPermalink', 'chat.delete', 'files.completeUploadExternal']);
const VIEW_METHODS = new Set(['views.open', 'views.update', 'views.push', 'views.publish']);

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
const isRecord = (v: unknown): v is Args => typeof v === 'object' && v !== null && !Array.isArray(v);

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** WebClient form-encodes args and JSON-encodes nested ones (`blocks`, `view`, `files`), so decode those back. */
function parseBody(contentType: string, raw: Buffer): Args {
  const text = raw.toString('utf8');
  if (contentType.startsWith('application/json')) {
    const v = tryJson(text);
    return isRecord(v) ? v : { raw: text };
  }
  const args: Args = {};
  for (const [k, v] of new URLSearchParams(text)) args[k] = v.startsWith('[') || v.startsWith('{') ? tryJson(v) : v;
  return args;
}

/** filesUploadV2 POSTs the bytes as multipart/form-data (one part, field `body`); plain bodies are taken as-is. */
async function uploadedText(contentType: string, raw: Buffer): Promise<string> {
  if (!contentType.startsWith('multipart/form-data')) return raw.toString('utf8');
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  for (const [, value] of form) return typeof value === 'string' ? value : await value.text();
  return '';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const log = new CallLog<FakeSlackCall>('fake Slack', (): string => summary());
  const calls = log.calls;
  const files: FakeSlackFile[] = [];
  const violations: FakeSlackViolation[] = [];
  const limits = new Map<string, { times: number; retryAfterSeconds: number }>();
  let seq = 100;
  let idSeq = 0;
  let base = '';
  // Real-time seconds (history queries filter by time) with a counter that never repeats or goes back.
  let lastSecond = 0;
  const nextTs = () => {
    seq += 1;
    lastSecond = Math.max(lastSecond, Math.floor(Date.now() / 1000));
    return `${lastSecond}.${String(seq % 1e6).padStart(6, '0')}`;
  };
  /** Top-level messages per channel, newest last, for conversations.history. */
  const history = new Map<string, Args[]>();
  /** Thread replies per `channel/thread_ts`, for conversations.replies. */
  const replies = new Map<string, Args[]>();
  const nextId = (prefix: string) => `${prefix}${String(++idSeq).padStart(8, '0')}`;
  /** OAuth: codes not yet exchanged, and every token issued with the installation it belongs to. */
  const codes = new Map<string, FakeInstall>();
  const issued = new Map<string, FakeInstall & { kind: 'bot' | 'refresh'; revoked?: boolean }>();
  const grant = (install: FakeInstall) => {
    const who = install.teamId ?? install.enterpriseId ?? 'T111';
    const token = `xoxb-${who}-${nextId('')}`;
    issued.set(token, { ...install, kind: 'bot' });
    const refresh = install.expiresIn ? `xoxe-1-${who}-${nextId('')}` : undefined;
    if (refresh) issued.set(refresh, { ...install, kind: 'refresh' });
    return {
      ok: true,
      app_id: 'A_APP',
      authed_user: { id: install.userId },
      scope: 'commands,chat:write,channels:history,groups:history,files:write,users:read',
      token_type: 'bot',
      access_token: token,
      bot_user_id: 'U_BOT',
      team: install.teamId ? { id: install.teamId, name: `Workspace ${install.teamId}` } : null,
      enterprise: install.enterpriseId ? { id: install.enterpriseId, name: `Org ${install.enterpriseId}` } : null,
      is_enterprise_install: !install.teamId,
      ...(refresh ? { refresh_token: refresh, expires_in: install.expiresIn } : {}),
    };
  };

  function oauthAccess(args: Args): Answer {
    if (opts.oauth && (args.client_id !== opts.oauth.clientId || args.client_secret !== opts.oauth.clientSecret)) {
      return { body: { ok: false, error: 'invalid_client_id' } };
    }
    if (args.grant_type === 'refresh_token') {
      const refresh = issued.get(str(args.refresh_token) ?? '');
      if (refresh?.kind !== 'refresh' || refresh.revoked)
        return { body: { ok: false, error: 'invalid_refresh_token' } };
      refresh.revoked = true; // a refresh token is good for one exchange
      const { kind: _kind, revoked: _revoked, ...install } = refresh;
      return { body: grant(install) };
    }
    const install = codes.get(str(args.code) ?? '');
    if (!install) return { body: { ok: false, error: 'invalid_code' } };
    codes.delete(str(args.code) ?? '');
    return { body: grant(install) };
  }

  function channelError(method: string, channel: string | undefined): string | undefined {
    if (channel === undefined) return undefined;
    if (opts.unknownChannels?.includes(channel)) return 'channel_not_found';
    if (CHAT_METHODS.has(method) || method === 'files.completeUploadExternal') {
      if (opts.notInChannels?.includes(channel)) return 'not_in_channel';
      if (opts.archivedChannels?.includes(channel)) return 'is_archived';
    }
    return undefined;
  }

  function invalid(method: string, args: Args, errors: string[]): Answer | undefined {
    if (errors.length === 0) return undefined;
    violations.push({ method, errors, args });
    const textOnly = errors.every((e) => e.startsWith('text:'));
    const error = errors.some((e) => e.includes('needs text or blocks'))
      ? 'no_text'
      : textOnly
        ? 'msg_too_long'
        : 'invalid_blocks';
    return { body: { ok: false, error, errors } };
  }

  function answerApi(method: string, args: Args, token: string | undefined): Answer {
    if (method === 'oauth.v2.access') return oauthAccess(args);
    const holder = token ? issued.get(token) : undefined;
    if (holder?.revoked) return { body: { ok: false, error: 'token_revoked' } };
    const channel = str(args.channel) ?? str(args.channel_id);
    const channelErr =
      CHANNEL_METHODS.has(method) || method === 'conversations.info' ? channelError(method, channel) : undefined;
    if (channelErr) return { body: { ok: false, error: channelErr } };
    const injected = opts.errorFor?.(method, args);
    if (injected) return { body: { ok: false, error: injected } };
    if (opts.validate !== false) {
      const bad = CHAT_METHODS.has(method)
        ? invalid(method, args, validateMessage(args))
        : VIEW_METHODS.has(method)
          ? invalid(method, args, validateView(args.view))
          : undefined;
      if (bad) return bad;
    }
    switch (method) {
      case 'auth.test':
        return {
          body: {
            ok: true,
            user_id: 'U_BOT',
            user: 'aiprocure',
            bot_id: 'B_BOT',
            team_id: holder?.teamId ?? (holder ? undefined : (opts.teamId ?? 'T111')),
            ...(holder?.enterpriseId ? { enterprise_id: holder.enterpriseId } : {}),
            is_enterprise_install: holder ? !holder.teamId : false,
            team: 'Fake Team',
            url: 'https://fake.slack.test/',
          },
        };
      case 'chat.postMessage': {
        const ts = nextTs();
        const { text, blocks, thread_ts, metadata } = args;
        const message = { type: 'message', user: 'U_BOT', bot_id: 'B_BOT', ts, text, blocks, thread_ts };
        // Top-level messages feed conversations.history; replies, conversations.replies (both keep metadata).
        if (channel) {
          const where = thread_ts === undefined ? history : replies;
          const at = thread_ts === undefined ? channel : `${channel}/${str(thread_ts)}`;
          const list = where.get(at) ?? [];
          list.push({ ...message, ...(metadata !== undefined ? { metadata } : {}) });
          where.set(at, list);
        }
        return { body: { ok: true, channel, ts, message } };
      }
      case 'conversations.history': {
        const oldest = Number(str(args.oldest) ?? '0');
        const limit = Number(str(args.limit) ?? '100');
        const withMetadata = ['true', '1'].includes(str(args.include_all_metadata) ?? '');
        const messages = (history.get(channel ?? '') ?? [])
          .filter((m) => Number(m.ts) >= oldest)
          .reverse()
          .slice(0, limit)
          .map(({ metadata, ...m }) => (withMetadata && metadata !== undefined ? { ...m, metadata } : m));
        return { body: { ok: true, messages, has_more: false } };
      }
      case 'conversations.replies': {
        const withMetadata = ['true', '1'].includes(str(args.include_all_metadata) ?? '');
        const messages = (replies.get(`${channel ?? ''}/${str(args.ts) ?? ''}`) ?? []).map(({ metadata, ...m }) =>
          withMetadata && metadata !== undefined ? { ...m, metadata } : m,
        );
        return { body: { ok: true, messages, has_more: false } };
      }
      case 'chat.update':
        return { body: { ok: true, channel, ts: str(args.ts), text: args.text } };
      case 'chat.postEphemeral':
        return { body: { ok: true, message_ts: nextTs() } };
      case 'chat.getPermalink': {
        const ts = (str(args.message_ts) ?? '').replace('.', '');
        return { body: { ok: true, channel, permalink: `https://fake.slack.test/archives/${channel}/p${ts}` } };
      }
      case 'views.open':
      case 'views.update':
      case 'views.push':
      case 'views.publish': {
        const view = isRecord(args.view) ? args.view : {};
        return { body: { ok: true, view: { id: str(args.view_id) ?? nextId('V'), ...view } } };
      }
      case 'conversations.info': {
        const isMember = !(channel !== undefined && opts.notInChannels?.includes(channel));
        return { body: { ok: true, channel: { id: channel, name: `chan-${channel}`, is_member: isMember } } };
      }
      case 'users.info': {
        const id = str(args.user) ?? 'U_UNKNOWN';
        const user: FakeSlackUser = {
          id,
          name: `user-${id}`,
          real_name: `User ${id}`,
          tz: 'Europe/London',
          tz_offset: 0,
          ...opts.users?.[id],
        };
        return { body: { ok: true, user } };
      }
      case 'files.getUploadURLExternal': {
        const file_id = nextId('F');
        const length = Number(str(args.length));
        files.push({ id: file_id, filename: str(args.filename) ?? 'Untitled', length, completed: false });
        return { body: { ok: true, upload_url: `${base}upload/${file_id}`, file_id } };
      }
      case 'files.completeUploadExternal':
        return { body: { ok: true, files: completeUpload(args) } };
      case 'apps.connections.open':
        return opts.socketModeUrl
          ? { body: { ok: true, url: opts.socketModeUrl } }
          : { body: { ok: false, error: 'invalid_auth', detail: 'fake Slack started without socketModeUrl' } };
      default:
        return { body: { ok: true } };
    }
  }

  function completeUpload(args: Args): Args[] {
    const listed = Array.isArray(args.files) ? args.files.filter(isRecord) : [];
    return listed.map((f) => {
      const file = files.find((x) => x.id === f.id);
      if (file) {
        Object.assign(file, {
          title: str(f.title) ?? file.filename,
          channel: str(args.channel_id),
          thread_ts: str(args.thread_ts),
          initial_comment: str(args.initial_comment),
          completed: true,
        });
      }
      return { id: f.id, title: f.title, name: file?.filename };
    });
  }

  async function answer(
    kind: string,
    target: string,
    contentType: string,
    raw: Buffer,
    token: string | undefined,
  ): Promise<[Answer, Args]> {
    if (kind === 'upload') {
      const file = files.find((f) => f.id === target);
      if (!file) return [{ status: 404, body: { ok: false, error: 'file_not_found' } }, {}];
      file.content = await uploadedText(contentType, raw);
      return [{ body: { ok: true } }, { file_id: target, bytes: raw.length }];
    }
    const args = parseBody(contentType, raw);
    if (kind !== 'respond') return [answerApi(kind, args, token ?? str(args.token)), args];
    const errors = opts.validate !== false && args.delete_original !== true ? validateMessage(args) : [];
    // Slack's response_url rejects bad payloads with a non-2xx, so Bolt's respond() throws RespondError.
    const bad = invalid('respond', args, errors);
    return [bad ? { ...bad, status: 400 } : { body: { ok: true } }, args];
  }

  function rateLimited(method: string): Answer | undefined {
    const limit = limits.get(method);
    if (!limit || limit.times <= 0) return undefined;
    limit.times -= 1;
    const headers = { 'retry-after': String(limit.retryAfterSeconds) };
    return { status: 429, headers, body: { ok: false, error: 'ratelimited' } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const raw = await readBytes(req);
    const [, via, prefix = '', rest = ''] =
      /^(?:\/via\/([\w-]+))?\/(api|respond|upload)\/([^?]*)/.exec(req.url ?? '') ?? [];
    const method = prefix === 'api' ? rest : prefix;
    const target = prefix === 'api' ? undefined : decodeURIComponent(rest);
    const contentType = req.headers['content-type'] ?? '';
    let result: Answer;
    let args: Args = {};
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const hold = prefix ? opts.holdFor?.(method, parseBody(contentType, raw)) : undefined;
    if (hold) {
      await sleep(hold);
      if (req.socket.destroyed) return;
    }
    const limited = prefix ? rateLimited(method) : undefined;
    if (!prefix) {
      result = { status: 404, body: { ok: false, error: 'unknown_path' } };
    } else if (limited) {
      result = limited;
      if (prefix !== 'upload') args = parseBody(contentType, raw);
    } else {
      [result, args] = await answer(method, target ?? '', contentType, raw, bearer);
    }
    if (opts.latencyMs) await sleep(opts.latencyMs);
    const extra = opts.delayFor?.(method, args);
    if (extra) await sleep(extra);
    const token = bearer ?? str(args.token);
    const status = result.status ?? 200;
    // Recorded just before answering, so a test woken by waitFor never races ahead of the bot seeing the reply's data.
    log.record({ method, token, args, at, target, ...(via ? { via } : {}), status, response: result.body });
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...result.headers });
    res.end(JSON.stringify(result.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'fake_slack_error', detail: String(err) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}/`;

  const summary = (): string => {
    const counts = new Map<string, number>();
    for (const c of calls) counts.set(c.method, (counts.get(c.method) ?? 0) + 1);
    return counts.size ? [...counts].map(([m, n]) => `${m}×${n}`).join(', ') : 'none';
  };

  const fake: FakeSlack = {
    url: `${base}api/`,
    port,
    options: opts,
    calls,
    files,
    violations,
    callsOf: (method) => calls.filter((c) => c.method === method),
    waitFor: (predicate, timeoutMs, label) => log.waitFor(predicate, timeoutMs, label),
    waitForCalls: (method, count, timeoutMs) => log.waitForCalls(method, count, timeoutMs),
    responseUrl: (id) => `${base}respond/${encodeURIComponent(id)}`,
    rateLimit(method, { times, retryAfterSeconds }) {
      limits.set(method, { times, retryAfterSeconds });
    },
    authorizationCode(install) {
      const code = `code-${nextId('')}`;
      codes.set(code, install);
      return code;
    },
    issueToken: (install) => String(grant(install).access_token),
    urlVia: (tag) => `${base}via/${tag}/api/`,
    teamOf: (token) => {
      const holder = issued.get(token);
      return holder ? (holder.teamId ?? holder.enterpriseId) : undefined;
    },
    tokens: () => [...issued.entries()].filter(([, v]) => v.kind === 'bot').map(([k]) => k),
    revoke(token) {
      const holder = issued.get(token);
      if (holder) holder.revoked = true;
    },
    reset() {
      history.clear();
      calls.length = 0;
      files.length = 0;
      violations.length = 0;
      limits.clear();
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // WebClient's fetch keeps connections alive; drop them so close() does not wait for their idle timeout.
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
