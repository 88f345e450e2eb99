import type { TeamsAdapter } from '@microsoft/teams-ai';
import { TurnContext } from 'botbuilder';
import type { UserRef } from '../../../core/view.js';
import type { TeamsDeps } from '../deps.js';
import type { InvokeReply } from '../invoke-reply.js';
import type { CardOptions } from '../render/cards.js';
import { TeamsSurface } from '../surface.js';
import { teamsTenant } from '../tenant.js';

export interface TeamsContext {
  adapter: TeamsAdapter;
  botAppId: string;
  deps: TeamsDeps;
}

/** What every handler derives from an activity: tenant, who, a surface bound to its conversation, card options. */
export function bind(context: TeamsContext, ctx: TurnContext, invoke?: InvokeReply) {
  const activity = ctx.activity;
  const tenant = teamsTenant(activity);
  const by: UserRef = { id: activity.from.aadObjectId ?? activity.from.id, name: activity.from.name };
  // Dates on cards follow the sender's zone and locale.
  const options: CardOptions = { timeZone: activity.localTimezone, locale: activity.locale };
  const surface = new TeamsSurface(
    {
      adapter: context.adapter,
      botAppId: context.botAppId,
      references: context.deps.references,
      downloads: context.deps.downloads,
    },
    tenant,
    TurnContext.getConversationReference(activity),
    invoke,
    options,
  );
  return { tenant, by, surface, options };
}
