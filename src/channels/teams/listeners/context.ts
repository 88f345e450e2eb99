import type { TeamsAdapter } from '@microsoft/teams-ai';
import { TurnContext } from 'botbuilder';
import type { Actor } from '../../../core/access/roles.js';
import { validLocale, validTimeZone } from '../../../core/intl.js';
import type { TeamsDeps } from '../deps.js';
import type { InvokeReply } from '../invoke-reply.js';
import type { CardOptions } from '../render/cards.js';
import type { ServiceUrlPolicy } from '../service-urls.js';
import { TeamsSurface } from '../surface.js';
import { teamsTenant } from '../tenant.js';

export interface TeamsContext {
  adapter: TeamsAdapter;
  botAppId: string;
  deps: TeamsDeps;
  serviceUrls: ServiceUrlPolicy;
  /** How long any call to the Bot Connector may take (PLATFORM_TIMEOUT_MS). */
  timeoutMs: number;
}

/** What every handler derives from an activity: tenant, who, a surface bound to its conversation, card options. */
export function bind(context: TeamsContext, ctx: TurnContext, invoke?: InvokeReply) {
  const activity = ctx.activity;
  const tenant = teamsTenant(activity);
  const by: Actor = context.deps.people.actor(ctx, context.adapter.ConnectorClientKey, tenant);
  // Dates on cards follow the sender's zone and locale, when Intl accepts them.
  const options: CardOptions = {
    timeZone: validTimeZone(activity.localTimezone),
    locale: validLocale(activity.locale),
  };
  const surface = new TeamsSurface(
    {
      adapter: context.adapter,
      botAppId: context.botAppId,
      references: context.deps.references,
      downloads: context.deps.downloads,
      serviceUrls: context.serviceUrls,
      logger: context.deps.logger,
      timeoutMs: context.timeoutMs,
    },
    tenant,
    TurnContext.getConversationReference(activity),
    invoke,
    options,
  );
  return { tenant, by, surface, options };
}
