/**
 * Builds and signs requests the way Slack sends them to a Bolt app over HTTP (slash commands, interactions,
 * Events API), so end-to-end tests exercise Bolt's real signature check and body parsing.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const API_APP_ID = 'A_APP';
export const BOT_USER_ID = 'U_BOT';

export type StateValues = Record<string, Record<string, Record<string, unknown>>>;
type Json = Record<string, unknown>;

let seq = 0;
const uid = () => `${Date.now()}${String(++seq).padStart(4, '0')}`;
const nowTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq % 1e6).padStart(6, '0')}`;
export const newTriggerId = () => `${uid()}.${uid()}.${randomBytes(16).toString('hex')}`;
export const newEventId = () => `Ev${uid()}${randomBytes(3).toString('hex').toUpperCase()}`;

/**
 * Headers Slack sends: a v0 HMAC-SHA256 signature over `v0:<ts>:<raw body>`. Bolt compares content-type with ===,
 * so it must be exactly `application/x-www-form-urlencoded` (commands, interactions) or `application/json` (events).
 */
export function signRequest(
  secret: string,
  body: string,
  ts: number = Math.floor(Date.now() / 1000),
  kind: 'form' | 'json' = body.startsWith('{') ? 'json' : 'form',
): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    'content-type': kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
    'x-slack-signature': signature,
    'x-slack-request-timestamp': String(ts),
  };
}

export interface SlashCommandInput {
  command?: string;
  text: string;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  teamId: string;
  enterpriseId?: string;
  /** An org-wide (Enterprise Grid) installation answers for every workspace of the org. */
  isEnterpriseInstall?: boolean;
  triggerId?: string;
  responseUrl: string;
}

/** The form fields of a slash command (send with kind 'form'). */
export function slashCommand(i: SlashCommandInput): Record<string, string> {
  const fields: Record<string, string> = {
    token: 'legacy-verification-token',
    team_id: i.teamId,
    team_domain: `team-${i.teamId.toLowerCase()}`,
    channel_id: i.channelId,
    channel_name: i.channelName ?? `chan-${i.channelId}`,
    user_id: i.userId,
    user_name: i.userName ?? `user-${i.userId}`,
    command: i.command ?? '/aiprocure',
    text: i.text,
    api_app_id: API_APP_ID,
    is_enterprise_install: i.isEnterpriseInstall ? 'true' : 'false',
    response_url: i.responseUrl,
    trigger_id: i.triggerId ?? newTriggerId(),
  };
  if (i.enterpriseId) Object.assign(fields, { enterprise_id: i.enterpriseId, enterprise_name: 'Fake Grid' });
  return fields;
}

export interface UserInput {
  userId: string;
  userName?: string;
  teamId: string;
  enterpriseId?: string;
}

const user = (i: UserInput) => ({
  id: i.userId,
  username: i.userName ?? `user-${i.userId}`,
  name: i.userName ?? `user-${i.userId}`,
  team_id: i.teamId,
});
const team = (teamId: string) => ({ id: teamId, domain: `team-${teamId.toLowerCase()}` });
const enterprise = (id?: string) => (id ? { id, name: 'Fake Grid' } : null);

export interface BlockActionInput extends UserInput {
  actionId: string;
  value?: string;
  blockId?: string;
  /** Defaults to 'button'; use e.g. 'checkboxes' with `action` extras for other elements. */
  actionType?: string;
  /** Extra fields merged into the action (e.g. `selected_options`). */
  action?: Json;
  channelId: string;
  messageTs: string;
  threadTs?: string;
  triggerId?: string;
  stateValues?: StateValues;
  responseUrl?: string;
  /** Merged into the `message` the action came from (e.g. its `blocks`, `text`). */
  message?: Json;
}

/** A `block_actions` interaction payload for a click on a message (send with kind 'form'). */
export function blockAction(i: BlockActionInput) {
  return {
    type: 'block_actions',
    user: user(i),
    api_app_id: API_APP_ID,
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: i.messageTs,
      channel_id: i.channelId,
      is_ephemeral: false,
      ...(i.threadTs ? { thread_ts: i.threadTs } : {}),
    },
    trigger_id: i.triggerId ?? newTriggerId(),
    team: team(i.teamId),
    enterprise: enterprise(i.enterpriseId),
    is_enterprise_install: false,
    channel: { id: i.channelId, name: `chan-${i.channelId}` },
    message: {
      type: 'message',
      user: BOT_USER_ID,
      bot_id: 'B_BOT',
      ts: i.messageTs,
      ...(i.threadTs ? { thread_ts: i.threadTs } : {}),
      text: '',
      blocks: [],
      ...i.message,
    },
    state: { values: i.stateValues ?? {} },
    ...(i.responseUrl ? { response_url: i.responseUrl } : {}),
    actions: [
      {
        action_id: i.actionId,
        block_id: i.blockId ?? 'actions',
        type: i.actionType ?? 'button',
        ...(i.value !== undefined ? { value: i.value } : {}),
        action_ts: nowTs(),
        ...i.action,
      },
    ],
  };
}

export interface ViewSubmissionInput extends UserInput {
  callbackId: string;
  stateValues: StateValues;
  privateMetadata?: string;
  viewId?: string;
  triggerId?: string;
  /** Present when the modal has `response_url_enabled` inputs. */
  responseUrls?: { block_id: string; action_id: string; channel_id: string; response_url: string }[];
  /** Merged into the submitted `view` (e.g. its `blocks`, `title`). */
  view?: Json;
}

/** A `view_submission` payload for a modal (send with kind 'form'). */
export function viewSubmission(i: ViewSubmissionInput) {
  const id = i.viewId ?? `V${uid()}`;
  return {
    type: 'view_submission',
    team: team(i.teamId),
    user: user(i),
    api_app_id: API_APP_ID,
    token: 'legacy-verification-token',
    trigger_id: i.triggerId ?? newTriggerId(),
    view: {
      id,
      team_id: i.teamId,
      type: 'modal',
      callback_id: i.callbackId,
      private_metadata: i.privateMetadata ?? '',
      title: { type: 'plain_text', text: 'Modal' },
      blocks: [],
      state: { values: i.stateValues },
      hash: `${uid()}.hash`,
      root_view_id: id,
      previous_view_id: null,
      app_id: API_APP_ID,
      bot_id: 'B_BOT',
      external_id: '',
      ...i.view,
    },
    response_urls: i.responseUrls ?? [],
    is_enterprise_install: false,
    enterprise: enterprise(i.enterpriseId),
  };
}

/** Wraps an event in the Events API `event_callback` envelope (send with kind 'json'). */
export function eventCallback(event: Json, i: { teamId: string; eventId?: string; enterpriseId?: string }) {
  return {
    token: 'legacy-verification-token',
    team_id: i.teamId,
    ...(i.enterpriseId ? { enterprise_id: i.enterpriseId } : {}),
    api_app_id: API_APP_ID,
    event,
    type: 'event_callback',
    event_id: i.eventId ?? newEventId(),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: i.enterpriseId ?? null,
        team_id: i.teamId,
        user_id: BOT_USER_ID,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(8).toString('hex')}`,
  };
}

export interface MessageEventInput {
  text: string;
  userId: string;
  channelId: string;
  teamId: string;
  ts?: string;
  threadTs?: string;
  eventId?: string;
  channelType?: 'channel' | 'group' | 'im' | 'mpim';
}

/** A user's `message` event in an `event_callback` envelope. */
export function messageEvent(i: MessageEventInput) {
  const ts = i.ts ?? nowTs();
  const event = {
    type: 'message',
    client_msg_id: `${randomBytes(4).toString('hex')}-msg`,
    channel: i.channelId,
    user: i.userId,
    text: i.text,
    ts,
    ...(i.threadTs ? { thread_ts: i.threadTs } : {}),
    event_ts: ts,
    channel_type: i.channelType ?? 'channel',
    team: i.teamId,
  };
  return eventCallback(event, { teamId: i.teamId, eventId: i.eventId });
}

export interface PostOptions {
  secret: string;
  retryNum?: number;
  retryReason?: string;
  /** Unix seconds used in the signature (e.g. 10 minutes ago to test replay rejection). */
  timestamp?: number;
  /** Sign with a wrong secret. */
  badSignature?: boolean;
}

export interface PostResult {
  status: number;
  body: string;
  /** `body` parsed as JSON when it is JSON. */
  json?: unknown;
  ms: number;
}

/**
 * Encodes a body like Slack: 'json' → JSON text; 'form' → a string as-is, flat string fields (a slash command)
 * form-encoded, anything else (an interaction payload) as `payload=<JSON>`.
 */
export function encodeBody(kind: 'form' | 'json', body: unknown): string {
  if (typeof body === 'string') return body;
  if (kind === 'json') return JSON.stringify(body);
  const entries = typeof body === 'object' && body !== null ? Object.entries(body) : [];
  const flat = entries.length > 0 && entries.every(([, v]) => typeof v === 'string');
  if (flat) return new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString();
  return new URLSearchParams({ payload: JSON.stringify(body) }).toString();
}

/** POSTs a signed request to the app's `/slack/events` (appended unless `baseUrl` already ends with it). */
export async function postToSlackApp(
  baseUrl: string,
  kind: 'form' | 'json',
  body: unknown,
  opts: PostOptions,
): Promise<PostResult> {
  const url = baseUrl.endsWith('/slack/events') ? baseUrl : `${baseUrl.replace(/\/$/, '')}/slack/events`;
  const raw = encodeBody(kind, body);
  const secret = opts.badSignature ? `${opts.secret}-wrong` : opts.secret;
  const headers = signRequest(secret, raw, opts.timestamp, kind);
  if (opts.retryNum !== undefined) headers['x-slack-retry-num'] = String(opts.retryNum);
  if (opts.retryReason !== undefined) headers['x-slack-retry-reason'] = opts.retryReason;
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body: raw });
  const text = await res.text();
  const ms = performance.now() - started;
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, body: text, json, ms };
}
