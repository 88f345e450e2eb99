import { existsSync } from 'node:fs';
import type { Config } from './config.js';
import type { Playground } from './local/playground.js';

// Signals first, before any start-up work (even loading the service's modules, which takes a second or two): a
// SIGTERM while the store opens or the scheduler catches up stops the start-up at its next safe point and then
// shuts down like any other, instead of killing the process mid-write.
const shutdown = new AbortController();
let stopSignal: NodeJS.Signals | undefined;
let onStop: ((signal: NodeJS.Signals) => void) | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopSignal) {
      // A second signal: the operator insists.
      process.stderr.write(`${signal} again: exiting now.\n`);
      process.exit(1);
    }
    stopSignal = signal;
    shutdown.abort();
    onStop?.(signal);
  });
}

// A local .env is a convenience for development; real deployments set the environment.
if (existsSync('.env')) process.loadEnvFile('.env');

async function main() {
  const { ConfigError, loadConfig } = await import('./config.js');
  const { configuredSecrets, createLogger, wantsPrettyLogs } = await import('./log.js');
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, undefined, {
    secrets: configuredSecrets(config),
    pretty: wantsPrettyLogs(config.production),
  });
  const [{ startService }, { PLAYGROUND_USER, startPlayground }] = await Promise.all([
    import('./service.js'),
    import('./local/playground.js'),
  ]);
  // The Playground's one user is the developer at this machine (local mode serves nobody else): make them an admin,
  // so `config channel` and `roles` can be tried there.
  if (config.playground.enabled && config.local) {
    config.admins = [...config.admins, PLAYGROUND_USER.aadObjectId];
    logger.info({ user: PLAYGROUND_USER.name }, 'local mode: the Agents Playground user is an admin');
  }
  if (stopSignal) {
    logger.info({ signal: stopSignal }, 'stopped before start-up');
    process.exit(0);
  }
  const service = await startService(config, logger, { signal: shutdown.signal });
  let playground: Playground | undefined;
  if (config.playground.enabled) {
    if (!service.teams?.local) {
      logger.warn(
        'PLAYGROUND=1 ignored: the Agents Playground only works with the bot in local mode (no MICROSOFT_APP_ID).',
      );
    } else {
      try {
        playground = await startPlayground({ botPort: service.port, port: config.playground.port, logger });
        logger.info({ url: playground.url }, 'Agents Playground ready');
        process.stdout.write(
          `\n  Talk to the bot: open ${playground.url} in a browser, then type "triage Chatbot for council tax queries".\n` +
            '  (Set PLAYGROUND=0 to run without it.)\n\n',
        );
      } catch (error) {
        logger.error({ err: error }, 'could not start the Agents Playground; the bot runs without it');
      }
    }
  }
  const stop = async (signal: NodeJS.Signals) => {
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: no new work; finishing what is running');
    playground?.stop();
    const { drained } = await service.close();
    logger.info({ drained }, drained ? 'shut down cleanly' : 'shut down with work unfinished');
    process.exit(drained ? 0 : 1);
  };
  if (stopSignal) await stop(stopSignal);
  else onStop = (signal) => void stop(signal);
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
