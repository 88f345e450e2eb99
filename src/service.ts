import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createSlackChannel, type SlackChannel } from './channels/slack/app.js';
import type { TeamsChannel } from './channels/teams/app.js';
import type { Config } from './config.js';
import { type Clock, systemClock } from './core/ports.js';
import { loadPack } from './core/triage/pack-loader.js';
import { TriageService } from './core/triage/service.js';
import { createHttpApp, listen } from './http/server.js';
import type { Logger } from './log.js';
import { KeyvConversationReferenceRepository } from './store/conversation-reference-repository.js';
import { Deduper } from './store/dedupe.js';
import { KeyvDialogueRepository } from './store/dialogue-repository.js';
import { StoreLocker } from './store/locks.js';
import { openStore, type StoreHandle } from './store/open-store.js';
import { KeyvPackRepository } from './store/pack-repository.js';
import { Records } from './store/records.js';
import { KeyvSettingsRepository } from './store/settings-repository.js';

export const DEFAULT_PACK = fileURLToPath(new URL('../prompts/triage/default.yaml', import.meta.url));

export interface RunningService {
  server: Server;
  port: number;
  store: StoreHandle;
  triage: TriageService;
  slack?: SlackChannel;
  teams?: TeamsChannel;
  close(): Promise<void>;
}

export interface ServiceOptions {
  clock?: Clock;
  /** Keyv namespace (tests isolate themselves with their own). */
  namespace?: string;
  host?: string;
}

/**
 * The composition root: config → store → services → channels → one HTTP server. `main.ts` adds the process
 * concerns (signals, exit codes); tests call this directly to run the real service in-process.
 */
export async function startService(
  config: Config,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const packPath = config.triagePack ?? DEFAULT_PACK;
  const pack = await loadPack(packPath);
  const packText = await readFile(packPath, 'utf8');
  logger.info({ pack: pack.id, version: pack.version, hash: pack.hash.slice(0, 12) }, 'question pack loaded');

  const store = await openStore(config.storeUrl, { logger, namespace: options.namespace });
  const records = new Records(store.keyv, store.atomic);
  const triage = new TriageService({
    dialogues: new KeyvDialogueRepository(records),
    settings: new KeyvSettingsRepository(records),
    packs: new KeyvPackRepository(records, { pack, text: packText, source: packPath }),
    locker: new StoreLocker(records, { crossProcess: store.kind !== 'sqlite' }),
    clock: options.clock ?? systemClock,
    defaultProcurementChannel: config.procurementChannel,
  });

  const http = createHttpApp();
  const deduper = new Deduper(records);
  let slack: SlackChannel | undefined;
  if (config.slack) {
    slack = createSlackChannel(config.slack, http, {
      logger,
      triage,
      deduper,
      command: '/aiprocure',
    });
    await slack.start();
    logger.info({ mode: config.slack.socketMode ? 'socket' : 'http' }, 'Slack channel ready');
  } else {
    logger.info('Slack is not configured (no SLACK_BOT_TOKEN)');
  }
  let teams: TeamsChannel | undefined;
  if (config.teams.enabled) {
    // Loaded only when used: teams-ai and botbuilder weigh about 100 MB.
    const { createTeamsChannel } = await import('./channels/teams/app.js');
    teams = createTeamsChannel(config.teams, http, {
      logger,
      triage,
      deduper,
      references: new KeyvConversationReferenceRepository(records),
    });
  } else {
    logger.info('Teams is off: Slack is configured and MICROSOFT_APP_ID is not (PLAYGROUND=1 turns local mode on)');
  }

  const server = await listen(http, config.port, options.host);
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, store: store.kind }, 'listening');

  return {
    server,
    port,
    store,
    triage,
    slack,
    teams,
    close: async () => {
      await slack?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await store.close();
    },
  };
}
