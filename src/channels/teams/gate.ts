import type { RequestHandler } from 'express';
import { z } from 'zod';
import { type ServiceUrlPolicy, serviceUrlAllowed } from './service-urls.js';

/**
 * Teams activities are let in only from Teams itself. Checked on the raw body before botbuilder authenticates it:
 * a refusal trusts nothing, and what is let through is then checked by botbuilder (the JWT, its `serviceurl`
 * claim). So the tenant that keys every record is the one Microsoft's Teams channel delivered.
 */
export interface GateOptions {
  /** Local mode: the Agents Playground and tests, on this machine. */
  local: boolean;
  /** Entra tenants served ('*': any); ignored in local mode, where everything is on this machine. */
  allowedTenants: readonly string[] | '*';
  serviceUrls: ServiceUrlPolicy;
}

/** Teams, and nothing else on the same Azure Bot (Web Chat, Direct Line let the caller write channelData). */
const ALLOWED_CHANNELS = new Set(['msteams']);

/**
 * What every handler reads off an activity, of the types it expects (the rest passes through to botbuilder). A
 * sender, bot or conversation of another shape would only fail deep inside teams-ai.
 */
const Account = z.object({ id: z.string().min(1).max(500), name: z.string().max(500).optional() }).passthrough();
const ActivityShape = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(500).optional(),
    from: Account,
    recipient: Account,
    conversation: z.object({ id: z.string().min(1).max(1000) }).passthrough(),
    text: z.string().optional(),
    locale: z.string().max(100).optional(),
    localTimezone: z.string().max(100).optional(),
    replyToId: z.string().max(500).optional(),
  })
  .passthrough();

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Entra tenant of an activity: Teams puts it in channelData and (mostly) in the conversation; both must agree. */
export function tenantOf(body: Json): string | undefined {
  const channelData = isRecord(body.channelData) ? body.channelData : {};
  const fromChannelData = isRecord(channelData.tenant) ? channelData.tenant.id : undefined;
  const conversation = isRecord(body.conversation) ? body.conversation : {};
  const fromConversation = conversation.tenantId;
  const ids = [fromChannelData, fromConversation].filter((id) => id !== undefined);
  if (ids.length === 0 || ids.some((id) => typeof id !== 'string' || id === '' || id.length > 64)) return undefined;
  const lower = (ids as string[]).map((id) => id.toLowerCase());
  return lower.every((id) => id === lower[0]) ? lower[0] : undefined;
}

export function teamsGate(options: GateOptions): RequestHandler {
  return (req, res, next) => {
    const refuse = (status: number, error: string) => res.status(status).json({ error });
    const body: unknown = req.body;
    if (!isRecord(body) || typeof body.type !== 'string') return refuse(400, 'Not a Bot Framework activity.');
    if (typeof body.channelId !== 'string' || !ALLOWED_CHANNELS.has(body.channelId)) {
      return refuse(403, 'This bot takes activities from Microsoft Teams only.');
    }
    if (!serviceUrlAllowed(body.serviceUrl, options.serviceUrls)) {
      return refuse(
        403,
        options.local
          ? 'In local mode the bot only talks to this machine (loopback service URLs and callers).'
          : 'That serviceUrl is not a Bot Connector host.',
      );
    }
    const tenant = tenantOf(body);
    if (!tenant) return refuse(403, 'The activity names no tenant, or two different ones.');
    if (!options.local && options.allowedTenants !== '*' && !options.allowedTenants.includes(tenant)) {
      return refuse(403, 'This deployment does not serve that Microsoft Entra tenant.');
    }
    if (!ActivityShape.safeParse(body).success) return refuse(400, 'Malformed activity.');
    next();
  };
}
