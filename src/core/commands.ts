import { GRANTABLE, type GrantableRole } from './access/roles.js';
import { isLocalDate, isValidTimeZone } from './calendar.js';
import { normaliseContractId } from './contracts/contract.js';
import { BadInputError } from './errors.js';
import { normaliseProcurementId, PROCUREMENT_ID } from './procurement/procurement.js';
import { DRAFT_KINDS, type DraftKind } from './transparency/draft.js';
import { TriageService } from './triage/service.js';

/**
 * The bot's commands, as typed after `/aiprocure` in Slack or to the bot in Teams. Platforms parse their own
 * envelope (mentions, channel links) and hand the text here, so both understand the same words.
 */
export type Command =
  | { kind: 'help' }
  | { kind: 'triage'; title: string }
  /** `arg` is whatever followed (Slack: a channel link; Teams: nothing, the current channel is meant). */
  | { kind: 'config-channel'; arg: string }
  | { kind: 'config-timezone'; timeZone: string }
  | { kind: 'config-hour'; hour: number }
  | { kind: 'config-retention'; years: number }
  | { kind: 'delete'; record: 'dialogue' | 'contract' | 'lesson'; id: string }
  | { kind: 'contracts' }
  | { kind: 'export'; contractId: string }
  | { kind: 'kpi' }
  | { kind: 'roles' }
  /** `who` is the person as the platform wrote them (a Slack `<@U…>` link, a Teams mention); the platform resolves it. */
  | { kind: 'roles-change'; change: 'add' | 'remove'; who: string; role: GrantableRole }
  | { kind: 'roles-guests'; barred: boolean }
  | { kind: 'status' }
  /** A procurement's checklist, for the person who asked. */
  | { kind: 'checklist'; id: string }
  /** A consequence scan in the procurement's thread (again at renewal). */
  | { kind: 'scan'; id: string }
  /** My items (checklist, KPIs), then my procurements and contracts, overdue first. */
  | { kind: 'home' }
  /** A transparency record drafted from a procurement. */
  | { kind: 'publish'; draft: DraftKind; id: string }
  /** The lesson form (optionally about a procurement or contract). */
  | { kind: 'lesson'; link?: string }
  /** Lessons colleagues recorded, by words and `tag:value` filters. */
  | { kind: 'lessons'; query: string }
  /** A record published from its draft, and when it is next reviewed: a documentation refresh reminder. */
  | { kind: 'published'; draft: DraftKind; id: string; review: string }
  /** A lesson to the organisation's commons feed, after the review form (admins). */
  | { kind: 'share'; id: string }
  | { kind: 'unshare'; id: string }
  /** The commons: what this organisation publishes, and the feeds this workspace subscribes to. */
  | { kind: 'config-commons' }
  | { kind: 'config-commons-subscribe'; change: 'subscribe' | 'unsubscribe'; url: string }
  /** `export all`: every record of the tenant, for an admin. */
  | { kind: 'export-all' }
  | { kind: 'usage'; problem: string };

/**
 * Commands are short; a longer text is refused before any pattern reads it (a title is at most 150 characters).
 * Platforms cap their envelopes too.
 */
export const COMMAND_TEXT_MAX = 1000;

export function parseCommand(raw: string): Command {
  if (raw.length > COMMAND_TEXT_MAX) {
    return {
      kind: 'usage',
      problem: `That command is ${raw.length} characters long; commands are at most ${COMMAND_TEXT_MAX}.`,
    };
  }
  const text = raw.trim();
  const [head = '', ...rest] = text.split(/\s+/);
  const verb = head.toLowerCase();
  const arg = (n: number) => rest[n] ?? '';
  switch (verb) {
    case '':
    case 'help':
      return { kind: 'help' };
    case 'triage':
      return { kind: 'triage', title: text.slice(head.length).trim() };
    case 'kpi':
    case 'kpis':
      return { kind: 'kpi' };
    case 'contracts':
    case 'contract':
      if (arg(0).toLowerCase() !== 'export') {
        return rest.length
          ? { kind: 'usage', problem: 'Usage: contracts, or contracts export <id>' }
          : { kind: 'contracts' };
      }
      return arg(1)
        ? { kind: 'export', contractId: normaliseContractId(arg(1)) }
        : { kind: 'usage', problem: 'Which contract? Usage: contracts export <id>, e.g. contracts export C-7K2M9Q' };
    case 'config':
      return parseConfig(arg(0).toLowerCase(), rest.slice(1).join(' '));
    case 'roles':
    case 'role':
      return parseRoles(rest);
    case 'export':
      return arg(0).toLowerCase() === 'all' && rest.length === 1
        ? { kind: 'export-all' }
        : { kind: 'usage', problem: 'Usage: export all (everything the bot keeps here), or contracts export <id>' };
    case 'status':
      return rest.length ? { kind: 'usage', problem: 'Usage: status' } : { kind: 'status' };
    case 'delete':
      return parseDelete(arg(0).toLowerCase(), arg(1), rest.length);
    case 'checklist':
    case 'scan': {
      const id = normaliseProcurementId(arg(0).replace(/[\u200B-\u200D\u2060\uFEFF]/g, ''));
      return rest.length === 1 && PROCUREMENT_ID.test(id)
        ? { kind: verb, id }
        : {
            kind: 'usage',
            problem: `Usage: ${verb} <procurement id>, e.g. ${verb} P-3F8R1A (the checklist shows its id)`,
          };
    }
    case 'publish':
      return parsePublish(arg(0).toLowerCase(), arg(1), rest.length);
    case 'lesson': {
      const link = arg(0).toUpperCase();
      if (rest.length > 1 || (link && !/^[PC]-?[0-9A-Z]{6}$/.test(link))) {
        return { kind: 'usage', problem: 'Usage: lesson, or lesson <procurement or contract id>' };
      }
      return link
        ? { kind: 'lesson', link: link.includes('-') ? link : `${link[0]}-${link.slice(1)}` }
        : { kind: 'lesson' };
    }
    case 'lessons':
      return { kind: 'lessons', query: text.slice(head.length).trim() };
    case 'share':
    case 'unshare':
      return rest.length === 1
        ? { kind: verb, id: arg(0) }
        : { kind: 'usage', problem: `Usage: ${verb} <lesson id>, e.g. ${verb} L-3F8R1A (lessons shows the ids)` };
    case 'published': {
      const draft = parsePublish(arg(0).toLowerCase(), arg(1), 2);
      const review = arg(2);
      if (draft.kind !== 'publish' || rest.length !== 3 || !isLocalDate(review)) {
        return { kind: 'usage', problem: PUBLISHED_USAGE };
      }
      return { kind: 'published', draft: draft.draft, id: draft.id, review };
    }
    case 'home':
    case 'mine':
      return rest.length ? { kind: 'usage', problem: `Usage: ${verb}` } : { kind: 'home' };
    default:
      return { kind: 'usage', problem: `Unknown command “${head.slice(0, 40)}”.` };
  }
}

type Usage = Extract<Command, { kind: 'usage' }>;

/**
 * A parsed command (shared or a platform's own) as it can run: a triage whose title is empty or too long becomes
 * the usage answer with the problem, as other bad input already is. Both platforms call it right after parsing.
 */
export function checkCommand<C extends { kind: string; title?: unknown }>(command: C): C | Usage {
  if (command.kind !== 'triage' || typeof command.title !== 'string') return command;
  try {
    TriageService.checkTitle(command.title);
    return command;
  } catch (error) {
    if (error instanceof BadInputError) return { kind: 'usage', problem: error.message };
    throw error;
  }
}

const ROLES_USAGE =
  'Usage: roles, roles add @person admin|procurement, roles remove @person admin|procurement, or roles guests bar|allow';

function parseRoles(rest: string[]): Command {
  const [verb = '', ...more] = rest;
  const change = verb.toLowerCase();
  if (!change) return { kind: 'roles' };
  if (change === 'guests' || change === 'guest') {
    const setting = (more[0] ?? '').toLowerCase();
    if (setting === 'bar' || setting === 'barred') return { kind: 'roles-guests', barred: true };
    if (setting === 'allow' || setting === 'member' || setting === 'members')
      return { kind: 'roles-guests', barred: false };
    return { kind: 'usage', problem: 'Usage: roles guests bar, or roles guests allow' };
  }
  if (change !== 'add' && change !== 'remove') return { kind: 'usage', problem: ROLES_USAGE };
  const role = (more.at(-1) ?? '').toLowerCase();
  const who = more.slice(0, -1).join(' ');
  if (!who || !(GRANTABLE as readonly string[]).includes(role)) return { kind: 'usage', problem: ROLES_USAGE };
  return { kind: 'roles-change', change, who, role: role as GrantableRole };
}

const PUBLISHED_USAGE = `Usage: published ${DRAFT_KINDS.join('|')} <procurement id> <next review date>, e.g. published atrs P-3F8R1A 2027-12-01`;
const PUBLISH_USAGE = `Usage: publish ${DRAFT_KINDS.join('|')} <procurement id>, e.g. publish atrs P-3F8R1A`;

function parsePublish(kind: string, raw: string, words: number): Command {
  const id = normaliseProcurementId(raw.replace(/[\u200B-\u200D\u2060\uFEFF]/g, ''));
  if (words !== 2 || !PROCUREMENT_ID.test(id)) return { kind: 'usage', problem: PUBLISH_USAGE };
  if (!(DRAFT_KINDS as readonly string[]).includes(kind)) return { kind: 'usage', problem: PUBLISH_USAGE };
  return { kind: 'publish', draft: kind as DraftKind, id };
}

const DELETE_USAGE =
  'Usage: delete contract <id> (e.g. C-7K2M9Q), delete triage <id> (its History shows the id), or delete lesson <id>';

function parseDelete(what: string, raw: string, words: number): Command {
  // An id copied from a chat message may carry zero-width characters (Slack's renderer puts them around "_").
  const id = raw.replace(/[\u200B-\u200D\u2060\uFEFF]/g, '');
  if (words !== 2 || !id) return { kind: 'usage', problem: DELETE_USAGE };
  if (what === 'contract') return { kind: 'delete', record: 'contract', id: normaliseContractId(id) };
  if (what === 'triage' && /^[A-Za-z0-9_-]{1,32}$/.test(id)) return { kind: 'delete', record: 'dialogue', id };
  if (what === 'lesson' && /^L-?[0-9A-Z]{6}$/i.test(id)) {
    const upper = id.toUpperCase();
    return { kind: 'delete', record: 'lesson', id: upper.includes('-') ? upper : `L-${upper.slice(1)}` };
  }
  return { kind: 'usage', problem: DELETE_USAGE };
}

const COMMONS_USAGE =
  'Usage: config commons, config commons subscribe <feed url>, config commons unsubscribe <feed url>';

function parseConfig(setting: string, value: string): Command {
  if (setting === 'commons') {
    const [change = '', url = '', ...more] = value.trim().split(/\s+/);
    if (!change) return { kind: 'config-commons' };
    const verb = change.toLowerCase();
    return (verb === 'subscribe' || verb === 'unsubscribe') && url && more.length === 0
      ? { kind: 'config-commons-subscribe', change: verb, url }
      : { kind: 'usage', problem: COMMONS_USAGE };
  }
  if (setting === 'channel') return { kind: 'config-channel', arg: value.trim() };
  if (setting === 'timezone' || setting === 'tz') {
    return isValidTimeZone(value.trim())
      ? { kind: 'config-timezone', timeZone: value.trim() }
      : {
          kind: 'usage',
          problem: value
            ? `“${value.slice(0, 60)}” is not a time zone I know. Use a name such as Europe/London or America/New_York.`
            : 'Which time zone? Usage: config timezone Europe/London',
        };
  }
  if (setting === 'hour') {
    const hour = Number(value);
    return /^\d{1,2}$/.test(value.trim()) && hour >= 0 && hour <= 23
      ? { kind: 'config-hour', hour }
      : { kind: 'usage', problem: 'The digest hour is a whole hour from 0 to 23. Usage: config hour 9' };
  }
  if (setting === 'retention') {
    const years = Number(value);
    return /^\d{1,3}$/.test(value.trim()) && years >= 1 && years <= 100
      ? { kind: 'config-retention', years }
      : { kind: 'usage', problem: 'Retention is a whole number of years from 1 to 100. Usage: config retention 7' };
  }
  return {
    kind: 'usage',
    problem:
      'Usage: config channel, config timezone <zone>, config hour <0-23>, config retention <years> or config commons',
  };
}
