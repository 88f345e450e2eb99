import { Writable } from 'node:stream';
import type { Config } from '../../src/config.js';
import type { Clock } from '../../src/core/ports.js';
import { configuredSecrets, createLogger } from '../../src/log.js';
import { EmbeddedScheduler } from '../../src/scheduler/embedded.js';
import { type RunningService, type ServiceOptions, startService } from '../../src/service.js';
import { sqliteUrl, testNamespace } from './backends.js';

export interface LoggedServiceOptions {
  storeUrl?: string;
  namespace?: string;
  env?: Partial<Config>;
  /** Where botbuilder checks and gets tokens (a local issuer). */
  teamsAuth?: ServiceOptions['teamsAuth'];
  /** Moves "now" for the services and the scheduler (with `env: { scheduler: 'embedded' }`). */
  clock?: Clock;
  /** How often the outbox worker looks for owed effects. */
  outboxIntervalMs?: number;
}

/**
 * The real service as the harnesses run it: on loopback, a free port, its own store namespace, no scheduler unless
 * asked, and its log (debug, secrets masked as in production) kept in `logs` for tests to read.
 */
export async function startLoggedService(
  channels: { teams: Partial<Config['teams']> } & Partial<Pick<Config, 'slack' | 'procurementChannel' | 'admins'>>,
  options: LoggedServiceOptions,
): Promise<{ service: RunningService; baseUrl: string; logs: string[] }> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const teams: Config['teams'] = {
    enabled: false,
    allowedTenants: [],
    connectorHosts: ['127.0.0.1'],
    ...channels.teams,
    ...options.env?.teams,
  };
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    local: teams.enabled && !teams.credentials,
    storeUrl: options.storeUrl ?? sqliteUrl(),
    logLevel: 'debug',
    playground: { enabled: false, port: 0 },
    scheduler: 'off',
    ocdsPrefix: 'ocds-test00',
    admins: [],
    platformTimeoutMs: 10_000,
    shutdownGraceMs: 10_000,
    production: false,
    ...channels,
    ...options.env,
    commons: { pullMinutes: 60, allowHttp: true, ...options.env?.commons },
    teams,
  };
  const service = await startService(config, createLogger('debug', sink, { secrets: configuredSecrets(config) }), {
    namespace: options.namespace ?? testNamespace(),
    clock: options.clock,
    teamsAuth: options.teamsAuth,
    outboxIntervalMs: options.outboxIntervalMs,
  });
  return { service, baseUrl: `http://127.0.0.1:${service.port}`, logs };
}

/** The embedded scheduler the service started (tests tick it instead of waiting for its one-minute timer). */
export function schedulerOf(service: RunningService | undefined): EmbeddedScheduler {
  const scheduler = service?.scheduler;
  if (!(scheduler instanceof EmbeddedScheduler)) throw new Error('expected the embedded scheduler');
  return scheduler;
}
