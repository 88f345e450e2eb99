import { type Activity, ActivityTypes, type Middleware, TurnContext } from 'botbuilder';
import { validLocale, validTimeZone } from '../../core/intl.js';
import type { StoredConversationReference } from '../../store/conversation-reference-repository.js';
import { shortId } from '../../store/records.js';
import { claimFirstDelivery } from '../first-delivery.js';
import type { TeamsDeps } from './deps.js';
import { type ServiceUrlPolicy, serviceUrlAllowed } from './service-urls.js';
import { splitThread, teamsTenant } from './tenant.js';

/** Adapter middleware runs for inbound and proactive turns alike; these keep both honest. */

const isProactive = (activity: Partial<Activity>) =>
  activity.type === ActivityTypes.Event && activity.name === 'ContinueConversation';

/**
 * No turn, inbound or proactive, may talk to a service URL the policy does not allow (local mode: off this machine;
 * with credentials: off the Bot Connector). The gate and the surface check first; this is the backstop.
 */
export function serviceUrlGuard(policy: ServiceUrlPolicy): Middleware {
  return {
    async onTurn(ctx, next) {
      if (!serviceUrlAllowed(ctx.activity.serviceUrl, policy)) {
        throw new Error(`refused service URL ${String(ctx.activity.serviceUrl ?? '(none)').slice(0, 200)}`);
      }
      await next();
    },
  };
}

/**
 * Keeps a conversation reference for every conversation the bot hears from, refreshed on each activity, and one
 * for the channel itself when the activity comes from a channel thread, so summaries can be posted there later.
 */
export function keepReferences(deps: TeamsDeps): Middleware {
  return {
    async onTurn(ctx, next) {
      const activity = ctx.activity;
      const conversationId = activity.conversation?.id;
      const botId = activity.recipient?.id;
      if (!isProactive(activity) && activity.serviceUrl && conversationId && botId) {
        const tenant = teamsTenant(activity);
        const base = TurnContext.getConversationReference(activity);
        const stored: StoredConversationReference = {
          serviceUrl: activity.serviceUrl,
          channelId: activity.channelId ?? 'msteams',
          // The tenant the gate checked, so a proactive turn from this reference is keyed and addressed alike.
          conversation: { ...base.conversation, id: conversationId, tenantId: tenant.replace(/^teams_/, '') },
          bot: { ...base.bot, id: botId },
          user: activity.from?.id ? { ...activity.from, id: activity.from.id } : undefined,
          // Checked with Intl before they are kept: a zone or locale it rejects would break every later date here.
          locale: validLocale(activity.locale),
          timezone: validTimeZone(activity.localTimezone),
          updatedAt: new Date().toISOString(),
        };
        if (activity.localTimezone && !stored.timezone) {
          deps.logger.warn(
            { timezone: String(activity.localTimezone).slice(0, 80) },
            'ignored a time zone Intl rejects',
          );
        }
        try {
          await deps.references.save(tenant, stored);
          const personalOf = activity.from?.aadObjectId;
          if (activity.conversation?.conversationType === 'personal' && personalOf) {
            await deps.references.savePersonal(tenant, personalOf, stored);
          }
          const { channel, rootId } = splitThread(conversationId);
          if (rootId) {
            await deps.references.save(tenant, {
              ...stored,
              conversation: { ...stored.conversation, id: channel, conversationType: 'channel' },
            });
          }
        } catch (error) {
          deps.logger.warn({ err: error }, 'could not store the conversation reference');
        }
      }
      await next();
    },
  };
}

/** Teams redelivers when a turn is slow; the first delivery of an activity id wins, the rest are answered and dropped. */
export function dropRedeliveries(deps: TeamsDeps): Middleware {
  return {
    async onTurn(ctx, next) {
      const activity = ctx.activity;
      const counts = activity.type === ActivityTypes.Message || activity.type === ActivityTypes.Invoke;
      if (counts && activity.id && activity.conversation?.id) {
        const deliveryId = shortId(`${activity.conversation.id}|${activity.id}`);
        if (!(await claimFirstDelivery(deps, teamsTenant(activity), deliveryId, { activityId: activity.id }))) {
          if (activity.type === ActivityTypes.Invoke) {
            await ctx.sendActivity({
              type: ActivityTypes.InvokeResponse,
              value: {
                status: 200,
                body: {
                  statusCode: 200,
                  type: 'application/vnd.microsoft.activity.message',
                  value: 'Already received.',
                },
              },
            });
          }
          return;
        }
      }
      await next();
    },
  };
}
