import { Application, TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import { ActivityTypes } from 'botbuilder';
import express, { type Application as Http } from 'express';
import type { TeamsConfig } from '../../config.js';
import type { TeamsDeps } from './deps.js';
import { handleCardAction } from './listeners/card-actions.js';
import { handleMessage, welcome } from './listeners/messages.js';
import { refuseRemoteServiceUrls } from './local-mode.js';
import { dropRedeliveries, keepReferences, loopbackOnly } from './middleware.js';
import { TeamsPoster } from './poster.js';

export const TEAMS_MESSAGES_PATH = '/api/messages';

export interface TeamsChannel {
  adapter: TeamsAdapter;
  /** Posts the scheduler's digests. */
  poster: TeamsPoster;
  botAppId: string;
  local: boolean;
}

/**
 * The teams-ai application on botbuilder's TeamsAdapter, served at `/api/messages` on the shared express app.
 * Without credentials it runs in local mode: no authentication, loopback service URLs only.
 */
export function createTeamsChannel(config: TeamsConfig, http: Http, deps: TeamsDeps): TeamsChannel {
  const credentials = config.credentials;
  const local = !credentials;
  const adapter = new TeamsAdapter(
    credentials
      ? {
          MicrosoftAppId: credentials.appId,
          MicrosoftAppPassword: credentials.password,
          MicrosoftAppType: credentials.type,
          MicrosoftAppTenantId: credentials.tenantId,
        }
      : {},
  );
  const botAppId = credentials?.appId ?? '';
  if (local) {
    deps.logger.warn(
      'Teams is in LOCAL MODE: no MICROSOFT_APP_ID is set, so incoming activities are NOT authenticated. ' +
        'The bot will only call back to loopback service URLs (the Agents Playground, tests). Set the MICROSOFT_APP_* ' +
        'variables before exposing it.',
    );
    adapter.use(loopbackOnly);
  }
  // Redeliveries are dropped first: they would only rewrite the reference their first delivery stored.
  adapter.use(dropRedeliveries(deps));
  adapter.use(keepReferences(deps));

  // No storage: teams-ai turn state then lives for one turn only; everything that matters is in our store.
  const app = new Application<TurnState>({ adapter, botAppId, startTypingTimer: false, removeRecipientMention: true });
  app.error(async (ctx, error) => {
    deps.logger.error({ err: error, activityType: ctx.activity.type }, 'Teams turn failed');
  });
  const context = { adapter, botAppId, deps };
  app.conversationUpdate('membersAdded', (ctx) => welcome(ctx));
  app.adaptiveCards.actionExecute(/.*/, (ctx, _state, data) => handleCardAction(context, ctx, data));
  app.activity(ActivityTypes.Message, (ctx) => handleMessage(context, ctx));

  // JSON is parsed on this route only: Slack's receiver on the same app needs the raw body to check signatures.
  const guards = local ? [refuseRemoteServiceUrls] : [];
  http.post(TEAMS_MESSAGES_PATH, express.json({ limit: '1mb' }), ...guards, async (req, res) => {
    try {
      await adapter.process(req, res, async (ctx) => {
        await app.run(ctx);
      });
    } catch (error) {
      deps.logger.error({ err: error }, 'could not process a Teams activity');
      if (!res.headersSent) res.status(500).end();
    }
  });
  return {
    adapter,
    botAppId,
    local,
    poster: new TeamsPoster({ adapter, botAppId, references: deps.references, pacer: deps.pacer }),
  };
}
