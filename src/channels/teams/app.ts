import { randomUUID } from 'node:crypto';
import { Application, type TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import { ActivityTypes } from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import express, { type Application as Http } from 'express';
import type { TeamsConfig } from '../../config.js';
import { GuardedTeamsAdapter } from './adapter.js';
import type { TeamsDeps } from './deps.js';
import { teamsGate } from './gate.js';
import { handleCardAction } from './listeners/card-actions.js';
import { handleMessage, welcome } from './listeners/messages.js';
import { dropRedeliveries, keepReferences, serviceUrlGuard } from './middleware.js';
import { TeamsPoster } from './poster.js';
import type { ServiceUrlPolicy } from './service-urls.js';

export const TEAMS_MESSAGES_PATH = '/api/messages';

export interface TeamsChannel {
  adapter: TeamsAdapter;
  /** Posts the scheduler's digests. */
  poster: TeamsPoster;
  botAppId: string;
  local: boolean;
}

/**
 * Where botbuilder checks tokens and gets its own, for tests with a local issuer: the Bot Framework settings
 * (`ToBotFromChannelOpenIdMetadataUrl`, `ToChannelFromBotLoginUrl`, …; all of them, as botbuilder then takes
 * none of its defaults) and the credentials factory for outbound tokens.
 */
export interface TeamsAuthOverrides {
  botFrameworkAuthConfig?: Record<string, string | boolean>;
  credentialsFactory?: ServiceClientCredentialsFactory;
}

export interface TeamsChannelOptions {
  config: TeamsConfig;
  http: Http;
  timeoutMs: number;
  auth?: TeamsAuthOverrides;
}

/**
 * The teams-ai application on botbuilder's TeamsAdapter, served at `/api/messages` on the shared express app.
 * Every activity passes the gate (Teams only, a tenant this deployment serves, a Bot Connector service URL) and then
 * botbuilder's authentication. Without credentials it runs in local mode: no authentication, this machine only.
 */
export function createTeamsChannel(options: TeamsChannelOptions, deps: TeamsDeps): TeamsChannel {
  const { config, http } = options;
  const credentials = config.credentials;
  const local = !credentials;
  const adapter = new GuardedTeamsAdapter(
    credentials
      ? {
          MicrosoftAppId: credentials.appId,
          MicrosoftAppPassword: credentials.password,
          MicrosoftAppType: credentials.type,
          MicrosoftAppTenantId: credentials.tenantId,
          ...options.auth?.botFrameworkAuthConfig,
        }
      : {},
    options.auth?.credentialsFactory,
  );
  const botAppId = credentials?.appId ?? '';
  const serviceUrls: ServiceUrlPolicy = { local, hosts: config.connectorHosts };
  if (local) {
    deps.logger.warn(
      'Teams is in LOCAL MODE: no MICROSOFT_APP_ID is set, so incoming activities are NOT authenticated. ' +
        'The bot serves this machine only (loopback callers and service URLs, no proxies). Set the MICROSOFT_APP_* ' +
        'variables and ALLOWED_TENANTS before exposing it.',
    );
  }
  adapter.use(serviceUrlGuard(serviceUrls));
  // Redeliveries are dropped first: they would only rewrite the reference their first delivery stored.
  adapter.use(dropRedeliveries(deps));
  adapter.use(keepReferences(deps));

  // No storage: teams-ai turn state then lives for one turn only; everything that matters is in our store.
  const app = new Application<TurnState>({ adapter, botAppId, startTypingTimer: false, removeRecipientMention: true });
  app.error(async (ctx, error) => {
    deps.logger.error({ err: error, activityType: ctx.activity.type }, 'Teams turn failed');
  });
  const context = { adapter, botAppId, deps, serviceUrls, timeoutMs: options.timeoutMs };
  app.conversationUpdate('membersAdded', (ctx) => welcome(context, ctx));
  app.adaptiveCards.actionExecute(/.*/, (ctx, _state, data) => handleCardAction(context, ctx, data));
  app.activity(ActivityTypes.Message, (ctx) => handleMessage(context, ctx));

  // JSON is parsed on this route only: Slack's receiver on the same app needs the raw body to check signatures.
  const gate = teamsGate({ local, allowedTenants: config.allowedTenants, serviceUrls });
  http.post(TEAMS_MESSAGES_PATH, express.json({ limit: '1mb' }), gate, async (req, res) => {
    try {
      await deps.inFlight.track(
        adapter.handle(req, res, deps.logger, async (ctx) => {
          await app.run(ctx);
        }),
      );
    } catch (error) {
      const ref = randomUUID().slice(0, 8);
      deps.logger.error({ err: error, ref }, 'could not process a Teams activity');
      if (!res.headersSent) res.status(500).json({ error: `Failed (reference ${ref}).` });
    }
  });
  return {
    adapter,
    botAppId,
    local,
    poster: new TeamsPoster({
      adapter,
      botAppId,
      references: deps.references,
      pacer: deps.pacer,
      serviceUrls,
      logger: deps.logger,
      timeoutMs: options.timeoutMs,
    }),
  };
}
