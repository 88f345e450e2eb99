/**
 * Inbound Bot Framework activities as Microsoft Teams sends them to `/api/messages` (Teams memo §2, §3, §8), and a
 * helper to POST them. Every activity carries what teams-ai's TurnState needs (type, channelId, recipient.id,
 * conversation.id, from.id): without one of those the turn throws before any handler runs.
 * Local mode: no Authorization header is needed (the bot runs without an app id in tests).
 */
import { createHash, randomUUID } from 'node:crypto';

export type ConversationType = 'personal' | 'channel' | 'groupChat';

export interface TeamsAccount {
  id: string;
  name: string;
  aadObjectId?: string;
}

export interface TeamsUser extends TeamsAccount {
  aadObjectId: string;
}

/** The bot as Teams addresses it (`28:` + the Entra app id). */
export const BOT: TeamsAccount = { id: '28:bot-id', name: 'AI Procure' };
export const TENANT_ID = '5f0c7a52-3b1e-4c55-9a3e-7d2b1c0e9f01';
export const TEAM_ID = '19:team-procurement@thread.tacv2';
export const CHANNEL_ID = '19:channel-ai-buying@thread.tacv2';
export const GROUP_CHAT_ID = '19:group-chat-buyers@thread.v2';

/** A user with a stable `29:` id and AAD object id derived from `key`. */
export function teamsUser(key: string, name = key.charAt(0).toUpperCase() + key.slice(1)): TeamsUser {
  const h = createHash('sha256').update(key).digest('hex');
  const aadObjectId = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return { id: `29:user-${key}`, name, aadObjectId };
}

export const ALICE = teamsUser('alice', 'Alice Jones');
export const BOB = teamsUser('bob', 'Bob Smith');

export interface InboundActivity {
  type: string;
  id: string;
  timestamp: string;
  localTimestamp: string;
  channelId: 'msteams';
  serviceUrl: string;
  from: TeamsAccount;
  recipient: TeamsAccount;
  conversation: {
    id: string;
    conversationType: ConversationType;
    tenantId: string;
    isGroup?: boolean;
  };
  channelData: Record<string, unknown>;
  locale: string;
  localTimezone: string;
  text?: string;
  textFormat?: string;
  entities?: Record<string, unknown>[];
  replyToId?: string;
  name?: string;
  value?: unknown;
  /** Teams lists added members by id only. */
  membersAdded?: { id: string; name?: string; aadObjectId?: string }[];
}

/** Fields every builder takes. */
export interface Common {
  /** Where the bot calls back: the fake connector's `url`. */
  serviceUrl: string;
  /** The sender; default ALICE. */
  user?: TeamsUser;
  bot?: TeamsAccount;
  tenantId?: string;
  /** Activity id; default a fresh uuid. */
  id?: string;
  timestamp?: string;
  locale?: string;
}

/** Which conversation: explicit `conversationId`, else derived from the type and the team/channel/thread ids. */
export interface Where {
  conversationType?: ConversationType;
  conversationId?: string;
  teamId?: string;
  teamName?: string;
  channelId?: string;
  /** The thread root's message id: channel conversation ids are `<channelId>;messageid=<rootId>`. */
  rootId?: string;
}

const TIMEZONE = 'Europe/London';

function conversationFor(where: Where, tenantId: string, user: TeamsUser, threadRoot: string) {
  const type = where.conversationType ?? 'personal';
  if (type === 'personal') {
    const id = where.conversationId ?? `a:1personal-${user.id.replace(/\W+/g, '-')}`;
    return { id, conversationType: type, tenantId };
  }
  if (type === 'groupChat')
    return { id: where.conversationId ?? GROUP_CHAT_ID, conversationType: type, tenantId, isGroup: true };
  const id = where.conversationId ?? `${where.channelId ?? CHANNEL_ID};messageid=${where.rootId ?? threadRoot}`;
  return { id, conversationType: type, tenantId, isGroup: true };
}

/** channelData as Teams fills it: the tenant always; team and channel in a team. */
function channelDataFor(where: Where, tenantId: string): Record<string, unknown> {
  if ((where.conversationType ?? 'personal') !== 'channel') return { tenant: { id: tenantId } };
  const teamId = where.teamId ?? TEAM_ID;
  const channelId = where.channelId ?? CHANNEL_ID;
  return {
    teamsChannelId: channelId,
    teamsTeamId: teamId,
    channel: { id: channelId },
    team: { id: teamId, name: where.teamName ?? 'Procurement' },
    tenant: { id: tenantId },
  };
}

/** The fields common to every activity; `threadRoot` is the message id a channel conversation id defaults to. */
function base(type: string, opts: Common & Where, threadRoot?: string): InboundActivity {
  const id = opts.id ?? randomUUID();
  const user = opts.user ?? ALICE;
  const tenantId = opts.tenantId ?? TENANT_ID;
  const timestamp = opts.timestamp ?? new Date().toISOString();
  const locale = opts.locale ?? 'en-GB';
  return {
    type,
    id,
    timestamp,
    localTimestamp: timestamp,
    channelId: 'msteams',
    serviceUrl: opts.serviceUrl,
    from: { ...user },
    recipient: { ...(opts.bot ?? BOT) },
    conversation: conversationFor(opts, tenantId, user, threadRoot ?? id),
    channelData: channelDataFor(opts, tenantId),
    locale,
    localTimezone: TIMEZONE,
    entities: [{ type: 'clientInfo', locale, country: 'GB', platform: 'Web', timezone: TIMEZONE }],
  };
}

export interface MessageOptions extends Common, Where {
  text: string;
  /** @mention the bot (channel and group chat default true: Teams only delivers messages that mention it). */
  mention?: boolean;
}

function message(opts: MessageOptions, mentionByDefault: boolean): InboundActivity {
  const activity = base('message', opts);
  const bot = activity.recipient;
  if (!(opts.mention ?? mentionByDefault)) return { ...activity, text: opts.text, textFormat: 'plain' };
  const at = `<at>${bot.name}</at>`;
  const mention = { type: 'mention', text: at, mentioned: { id: bot.id, name: bot.name } };
  return {
    ...activity,
    text: `${at} ${opts.text}`,
    textFormat: 'plain',
    entities: [mention, ...(activity.entities ?? [])],
  };
}

/** A 1:1 chat message (no mention needed). */
export function personalMessage(opts: Omit<MessageOptions, 'conversationType'>): InboundActivity {
  return message({ ...opts, conversationType: 'personal' }, false);
}

/**
 * A channel post or thread reply mentioning the bot: text `<at>AI Procure</at> …` with its mention entity;
 * conversation id `<channelId>;messageid=<rootId ?? id>` (a new post is its own thread root).
 */
export function channelMessage(opts: Omit<MessageOptions, 'conversationType'>): InboundActivity {
  return message({ ...opts, conversationType: 'channel' }, true);
}

export interface ActionExecuteOptions extends Common, Where {
  verb: string;
  data?: Record<string, unknown>;
  /** Input values; Teams merges them into `data` (a multi-select arrives as "a,b"). */
  inputs?: Record<string, string>;
  /** The message holding the clicked card. */
  replyToId: string;
  title?: string;
}

/** An Action.Execute click: invoke `adaptiveCard/action`; the bot answers in the HTTP response body. */
export function actionExecute(opts: ActionExecuteOptions): InboundActivity {
  // In a channel the card lives in a thread; without an explicit id assume the card is the thread's root.
  const activity = base('invoke', opts, opts.replyToId);
  const action = { type: 'Action.Execute', title: opts.title, verb: opts.verb, data: { ...opts.data, ...opts.inputs } };
  return {
    ...activity,
    name: 'adaptiveCard/action',
    replyToId: opts.replyToId,
    value: { action, trigger: 'manual' },
    channelData: { ...activity.channelData, source: { name: 'message' } },
  };
}

/** In a team the event arrives in the General channel, whose id is the team id. */
function installWhere(opts: Where): Where {
  if ((opts.conversationType ?? 'personal') !== 'channel') return opts;
  return { ...opts, conversationId: opts.conversationId ?? opts.teamId ?? TEAM_ID };
}

/** The bot was added to a chat or team (`membersAdded` holds the bot). */
export function conversationUpdateBotAdded(opts: Common & Where): InboundActivity {
  const where = installWhere(opts);
  const activity = base('conversationUpdate', { ...opts, ...where });
  const channelData =
    (opts.conversationType ?? 'personal') === 'channel'
      ? { ...activity.channelData, eventType: 'teamMemberAdded' }
      : activity.channelData;
  return { ...activity, membersAdded: [{ id: activity.recipient.id }], channelData, entities: undefined };
}

export interface PostResult {
  status: number;
  /** Parsed JSON when the answer is JSON, else the text (undefined when empty). */
  body: unknown;
  /** Round trip in milliseconds. */
  ms: number;
}

/** POSTs `activity` to `${baseUrl}/api/messages` as Teams would (JSON; no Authorization in local mode). */
export async function postActivity(
  baseUrl: string,
  activity: unknown,
  headers: Record<string, string> = {},
): Promise<PostResult> {
  const started = performance.now();
  const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  const ms = Math.round(performance.now() - started);
  const json = (res.headers.get('content-type') ?? '').includes('json');
  let body: unknown = text === '' ? undefined : text;
  if (json && text !== '') body = JSON.parse(text);
  return { status: res.status, body, ms };
}
