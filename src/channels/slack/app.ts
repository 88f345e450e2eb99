import { App, ExpressReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Application } from 'express';
import type { SlackConfig } from '../../config.js';
import type { Records } from '../../store/records.js';
import { installationAuth, type SlackTokens, singleTokenAuth } from './authorize.js';
import { boltLogger } from './bolt-logger.js';
import type { SlackDeps } from './deps.js';
import { KeyvInstallationStore } from './installation-store.js';
import { registerTriageActions } from './listeners/actions.js';
import { registerCommand } from './listeners/command.js';
import { registerContractActions } from './listeners/contract-actions.js';
import { registerHome } from './listeners/home.js';
import { registerLifecycle } from './listeners/lifecycle.js';
import { registerThreadReplies } from './listeners/thread-replies.js';
import { installedPage, installFailedPage } from './oauth-pages.js';
import { SlackPoster } from './poster.js';

export const SLACK_EVENTS_PATH = '/slack/events';
export const SLACK_INSTALL_PATH = '/slack/install';
export const SLACK_REDIRECT_PATH = '/slack/oauth_redirect';

/** The bot scopes, as in manifests/slack/manifest.yaml (a unit test keeps the two equal). */
export const SLACK_BOT_SCOPES = [
  'commands',
  'chat:write',
  'channels:history',
  'groups:history',
  'files:write',
  'users:read',
] as const;

export interface SlackChannel {
  app: App;
  /** Posts the scheduler's digests, each with its workspace's token. */
  poster: SlackPoster;
  tokens: SlackTokens;
  /** Connects Socket Mode; HTTP mode is served by the shared HTTP server and needs no start. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SlackChannelOptions {
  config: SlackConfig;
  http: Application;
  records: Records;
  /** The service's public URL (PUBLIC_URL), for the OAuth redirect URL. */
  publicUrl?: string;
  timeoutMs: number;
}

/**
 * The Bolt app. In HTTP mode its receiver mounts `/slack/events` (signature-checked) on the shared express app, so
 * Slack and Teams share one port, and with OAuth also `/slack/install` and `/slack/oauth_redirect`; with an app
 * token it uses Socket Mode instead.
 */
export function createSlackChannel(options: SlackChannelOptions, deps: SlackDeps): SlackChannel {
  const { config, http } = options;
  const logger = boltLogger(deps.logger);
  const clientOptions: WebClientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // A hung call must not hold a dialogue: every Web API call gives up after the timeout.
    timeout: options.timeoutMs,
    // Work after the ack is not under Slack's 3-second clock; a few retries ride out a 429 or a blip.
    retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 5000 },
  };
  // HTTP mode: signature-checked requests on the shared express app; work goes on after the ack.
  const httpMode = {
    signingSecret: config.signingSecret ?? '',
    endpoints: SLACK_EVENTS_PATH,
    app: http,
    logger,
    processBeforeResponse: false,
  };
  let app: App;
  let tokens: SlackTokens;
  let installations: KeyvInstallationStore | undefined;
  if (config.oauth) {
    installations = new KeyvInstallationStore(options.records, {
      installed: async (tenant, installer) => {
        await deps.access.recordInstaller(tenant, installer);
        await deps.settings.markActive(tenant);
        deps.logger.info({ tenant }, 'Slack app installed');
      },
    });
    const origin = new URL(config.apiUrl ?? 'https://slack.com/api/').origin;
    const receiver = new ExpressReceiver({
      ...httpMode,
      clientId: config.oauth.clientId,
      clientSecret: config.oauth.clientSecret,
      stateSecret: config.oauth.stateSecret,
      installationStore: installations,
      scopes: [...SLACK_BOT_SCOPES],
      ...(options.publicUrl ? { redirectUri: `${options.publicUrl.replace(/\/$/, '')}${SLACK_REDIRECT_PATH}` } : {}),
      installerOptions: {
        installPath: SLACK_INSTALL_PATH,
        redirectUriPath: SLACK_REDIRECT_PATH,
        directInstall: true,
        // GovSlack (and a test's fake) moves the authorize page along with the Web API.
        authorizationUrl: `${origin}/oauth/v2/authorize`,
        clientOptions,
        callbackOptions: {
          success: (installation, _options, _req, res) => installedPage(res, installation.team?.name),
          failure: (error, _options, _req, res) => {
            deps.logger.warn({ code: error.code, msg: error.message }, 'Slack installation failed');
            installFailedPage(res, error.code);
          },
        },
      },
    });
    const installer = receiver.installer;
    if (!installer) throw new Error('Bolt did not create the Slack installer');
    tokens = installationAuth(installer, clientOptions);
    // Bolt authorises each request through the installer itself (an explicit authorize is refused with OAuth).
    app = new App({ receiver, logger, clientOptions, convoStore: false });
  } else {
    tokens = singleTokenAuth(config.botToken ?? '', clientOptions, deps.logger);
    if (config.socketMode) {
      app = new App({
        authorize: tokens.authorize,
        appToken: config.appToken,
        socketMode: true,
        logger,
        clientOptions,
        convoStore: false,
      });
    } else {
      // No conversation store: all state lives in ours, not in Bolt's per-process memory.
      app = new App({
        authorize: tokens.authorize,
        receiver: new ExpressReceiver(httpMode),
        logger,
        clientOptions,
        convoStore: false,
      });
    }
  }
  app.error(async (error) => {
    // A workspace this deployment does not serve (not installed, uninstalled, another token's) is refused quietly.
    const refused = (error as { code?: string }).code === 'slack_bolt_authorization_error';
    if (refused) deps.logger.warn({ msg: error.message }, 'Slack request from a workspace this bot does not serve');
    else deps.logger.error({ err: error }, 'unhandled Slack listener error');
  });
  // Listeners run on after their ack: the whole of each request's work is tracked, so a shutdown waits for it.
  app.use(async ({ next }) => {
    await deps.inFlight.track(next());
  });
  registerCommand(app, deps);
  registerTriageActions(app, deps);
  registerContractActions(app, deps);
  registerThreadReplies(app, deps);
  registerHome(app, deps);
  registerLifecycle(app, deps, installations);
  return {
    app,
    tokens,
    poster: new SlackPoster(tokens, deps.pacer),
    start: async () => {
      if (config.socketMode) await app.start();
    },
    stop: async () => {
      if (config.socketMode) await app.stop();
    },
  };
}
