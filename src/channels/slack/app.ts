import { App, ExpressReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Application } from 'express';
import type { SlackConfig } from '../../config.js';
import { tokenAuthorize } from './authorize.js';
import { boltLogger } from './bolt-logger.js';
import type { SlackDeps } from './deps.js';
import { registerTriageActions } from './listeners/actions.js';
import { registerCommand } from './listeners/command.js';
import { registerContractActions } from './listeners/contract-actions.js';
import { registerThreadReplies } from './listeners/thread-replies.js';
import { SlackPoster } from './poster.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackChannel {
  app: App;
  /** Posts the scheduler's digests. */
  poster: SlackPoster;
  /** Connects Socket Mode; HTTP mode is served by the shared HTTP server and needs no start. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Bolt app. In HTTP mode its receiver mounts `/slack/events` (signature-checked) on the shared express app,
 * so Slack and Teams share one port; with an app token it uses Socket Mode instead.
 */
export function createSlackChannel(config: SlackConfig, http: Application, deps: SlackDeps): SlackChannel {
  const logger = boltLogger(deps.logger);
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // Work after the ack is not under Slack's 3-second clock; a few retries ride out a 429 or a blip.
    retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 5000 },
  };
  const authorize = tokenAuthorize(config.botToken, clientOptions, deps.logger);
  let app: App;
  if (config.socketMode) {
    app = new App({ authorize, appToken: config.appToken, socketMode: true, logger, clientOptions, convoStore: false });
  } else {
    const receiver = new ExpressReceiver({
      signingSecret: config.signingSecret ?? '',
      endpoints: SLACK_EVENTS_PATH,
      app: http,
      logger,
      processBeforeResponse: false,
    });
    // No conversation store: all state lives in ours, not in Bolt's per-process memory.
    app = new App({ authorize, receiver, logger, clientOptions, convoStore: false });
  }
  app.error(async (error) => {
    deps.logger.error({ err: error }, 'unhandled Slack listener error');
  });
  registerCommand(app, deps);
  registerTriageActions(app, deps);
  registerContractActions(app, deps);
  registerThreadReplies(app, deps);
  return {
    app,
    poster: new SlackPoster(new WebClient(config.botToken, clientOptions), deps.pacer),
    start: async () => {
      if (config.socketMode) await app.start();
    },
    stop: async () => {
      if (config.socketMode) await app.stop();
    },
  };
}
