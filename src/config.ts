import { z } from 'zod';

/**
 * Configuration comes only from the environment. Every variable is validated at start, and a bad setup fails
 * with one error listing every problem, so an operator fixes them in one go.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const storeUrl = z
  .string()
  .trim()
  .regex(/^(sqlite|redis|rediss|postgres|postgresql):\/\/.+/, 'must start with sqlite://, redis:// or postgres://');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  STORE_URL: storeUrl.default('sqlite://data/bot.sqlite'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  TRIAGE_PACK: optionalText,
  SLACK_BOT_TOKEN: optionalText.pipe(z.string().startsWith('xoxb-', 'must be a bot token (xoxb-…)').optional()),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(z.string().startsWith('xapp-', 'must be an app-level token (xapp-…)').optional()),
  SLACK_API_URL: optionalText.pipe(z.string().url().optional()),
  PROCUREMENT_CHANNEL: optionalText,
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TENANT_ID: optionalText,
  MICROSOFT_APP_TYPE: optionalText.pipe(z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI']).optional()),
  PLAYGROUND: optionalText.pipe(z.enum(['0', '1']).optional()),
  PLAYGROUND_PORT: z.coerce.number().int().min(1).max(65535).default(56150),
  SCHEDULER: z.enum(['auto', 'embedded', 'distributed', 'off']).default('auto'),
  PUBLIC_URL: optionalText.pipe(z.string().url().optional()),
  OCDS_PREFIX: optionalText.pipe(
    z
      .string()
      .regex(/^ocds-[a-z0-9]{6}$/, 'must be an OCDS ocid prefix: ocds- and 6 lower-case letters or digits')
      .optional(),
  ),
});

/** Rules across variables; checked on the raw values so they are reported alongside field errors. */
function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: string[] = [];
  if (set('SLACK_BOT_TOKEN') && !set('SLACK_APP_TOKEN') && !set('SLACK_SIGNING_SECRET')) {
    problems.push(
      'SLACK_SIGNING_SECRET: is required with SLACK_BOT_TOKEN for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (!set('SLACK_BOT_TOKEN') && (set('SLACK_APP_TOKEN') || set('SLACK_SIGNING_SECRET'))) {
    problems.push('SLACK_BOT_TOKEN: is required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set');
  }
  // botbuilder turns authentication off whenever the app id is empty, even with a password: never let that
  // happen by accident.
  const teamsSecrets = ['MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID', 'MICROSOFT_APP_TYPE'].filter(set);
  if (!set('MICROSOFT_APP_ID') && teamsSecrets.length > 0) {
    problems.push(`MICROSOFT_APP_ID: is required when ${teamsSecrets.join(', ')} is set`);
  }
  const appType = env.MICROSOFT_APP_TYPE?.trim() || 'MultiTenant';
  if (set('MICROSOFT_APP_ID') && appType !== 'UserAssignedMSI' && !set('MICROSOFT_APP_PASSWORD')) {
    problems.push('MICROSOFT_APP_PASSWORD: is required with MICROSOFT_APP_ID');
  }
  if (env.SCHEDULER?.trim() === 'distributed' && !/^rediss?:\/\//.test(env.STORE_URL?.trim() ?? '')) {
    problems.push('SCHEDULER: distributed needs STORE_URL=redis://… (BullMQ runs on the store’s Redis)');
  }
  if (set('MICROSOFT_APP_ID') && appType !== 'MultiTenant' && !set('MICROSOFT_APP_TENANT_ID')) {
    problems.push(`MICROSOFT_APP_TENANT_ID: is required when MICROSOFT_APP_TYPE is ${appType}`);
  }
  return problems;
}

export type Env = z.infer<typeof EnvSchema>;

export interface SlackConfig {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  /** Web API base URL with a trailing slash (GovSlack, or a fake in tests). */
  apiUrl?: string;
  socketMode: boolean;
}

export interface TeamsConfig {
  /**
   * Served when credentials are set, or in local mode when Slack is not configured (or PLAYGROUND=1): a Slack
   * deployment never exposes an unauthenticated Teams endpoint by accident.
   */
  enabled: boolean;
  /** Absent in local mode: no authentication, and the bot only calls back to loopback service URLs. */
  credentials?: {
    appId: string;
    password?: string;
    tenantId?: string;
    type: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
  };
}

export interface Config {
  port: number;
  storeUrl: string;
  logLevel: (typeof LOG_LEVELS)[number];
  triagePack?: string;
  procurementChannel?: string;
  slack?: SlackConfig;
  /** Teams is always served at /api/messages; without credentials it runs in local mode. */
  teams: TeamsConfig;
  /** Reminder digests: one process (embedded), BullMQ on the store's Redis (distributed), or none. */
  scheduler: 'embedded' | 'distributed' | 'off';
  /** The service's public base URL, for download links (Teams exports); local mode uses http://localhost:<port>. */
  publicUrl?: string;
  /** OCDS ocid prefix for exports (register one with the Open Contracting Partnership for real publication). */
  ocdsPrefix: string;
  /** Start the Agents Playground beside the bot (local mode only, unless PLAYGROUND=0). */
  playground: { enabled: boolean; port: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`)),
    ...crossFieldProblems(env),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const apiUrl = e.SLACK_API_URL && (e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`);
  return {
    port: e.PORT,
    storeUrl: e.STORE_URL,
    logLevel: e.LOG_LEVEL,
    triagePack: e.TRIAGE_PACK,
    procurementChannel: e.PROCUREMENT_CHANNEL,
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl,
          socketMode: Boolean(e.SLACK_APP_TOKEN),
        }
      : undefined,
    teams: {
      enabled: Boolean(e.MICROSOFT_APP_ID) || !e.SLACK_BOT_TOKEN || e.PLAYGROUND === '1',
      credentials: e.MICROSOFT_APP_ID
        ? {
            appId: e.MICROSOFT_APP_ID,
            password: e.MICROSOFT_APP_PASSWORD,
            tenantId: e.MICROSOFT_APP_TENANT_ID,
            type: e.MICROSOFT_APP_TYPE ?? 'MultiTenant',
          }
        : undefined,
    },
    scheduler: e.SCHEDULER === 'auto' ? (/^rediss?:\/\//.test(e.STORE_URL) ? 'distributed' : 'embedded') : e.SCHEDULER,
    ocdsPrefix: e.OCDS_PREFIX ?? 'ocds-aiproc',
    publicUrl: e.PUBLIC_URL,
    playground: {
      enabled: e.PLAYGROUND === '1' || (e.PLAYGROUND !== '0' && !e.SLACK_BOT_TOKEN && !e.MICROSOFT_APP_ID),
      port: e.PLAYGROUND_PORT,
    },
  };
}
