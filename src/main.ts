import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config.js';
import { PLAYGROUND_USER, type Playground, startPlayground } from './local/playground.js';
import { configuredSecrets, createLogger } from './log.js';
import { startService } from './service.js';

// A local .env is a convenience for development; real deployments set the environment.
if (existsSync('.env')) process.loadEnvFile('.env');

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, undefined, { secrets: configuredSecrets(config) });
  // The Playground's one user is the developer at this machine (local mode serves nobody else): make them an admin,
  // so `config channel` and `roles` can be tried there.
  if (config.playground.enabled && config.local) {
    config.admins = [...config.admins, PLAYGROUND_USER.aadObjectId];
    logger.info({ user: PLAYGROUND_USER.name }, 'local mode: the Agents Playground user is an admin');
  }
  const service = await startService(config, logger);
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
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    playground?.stop();
    await service.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
