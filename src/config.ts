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

/** A comma-separated list; blanks dropped. */
const list = optionalText.transform((value) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Slack user ids (U…, W… on Enterprise Grid) or Microsoft Entra object ids. */
const ADMIN_ID = /^(?:[UW][A-Z0-9]{2,20}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const HOST_NAME = /^(?:\*\.)?[a-z0-9.-]{1,253}$/i;

/**
 * Where Teams' Bot Connector answers: the public cloud (every region under one host) and the US government clouds
 * (GCC, GCC High, DoD), as Microsoft documents them for proactive messages. An activity, or a stored conversation
 * reference, whose serviceUrl is elsewhere never gets the bot's token. Other clouds set BOT_CONNECTOR_HOSTS;
 * `*.` there matches any sub-domain.
 */
export const DEFAULT_BOT_CONNECTOR_HOSTS = [
  'smba.trafficmanager.net',
  'smba.infra.gcc.teams.microsoft.com',
  'smba.infra.gov.teams.microsoft.us',
  'smba.infra.dod.teams.microsoft.us',
];

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: optionalText,
  NODE_ENV: optionalText,
  STORE_URL: storeUrl.default('sqlite://data/bot.sqlite'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  TRIAGE_PACK: optionalText,
  SLACK_BOT_TOKEN: optionalText.pipe(z.string().startsWith('xoxb-', 'must be a bot token (xoxb-…)').optional()),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(z.string().startsWith('xapp-', 'must be an app-level token (xapp-…)').optional()),
  SLACK_CLIENT_ID: optionalText,
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_STATE_SECRET: optionalText.pipe(
    z.string().min(16, 'must be at least 16 characters (a random string)').optional(),
  ),
  SLACK_API_URL: optionalText.pipe(z.string().url().optional()),
  PROCUREMENT_CHANNEL: optionalText,
  ADMINS: list.pipe(z.array(z.string().regex(ADMIN_ID, 'must be Slack user ids (U…) or Entra object ids'))),
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TENANT_ID: optionalText,
  MICROSOFT_APP_TYPE: optionalText.pipe(z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI']).optional()),
  ALLOWED_TENANTS: list.pipe(
    z.array(z.string().refine((id) => id === '*' || GUID.test(id), 'must be Entra tenant ids (GUIDs), or *')),
  ),
  BOT_CONNECTOR_HOSTS: list.pipe(
    z.array(z.string().regex(HOST_NAME, 'must be host names, e.g. smba.trafficmanager.net')),
  ),
  PLATFORM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters (a random string)').optional()),
  PLAYGROUND: optionalText.pipe(z.enum(['0', '1']).optional()),
  PLAYGROUND_PORT: z.coerce.number().int().min(1).max(65535).default(56150),
  SCHEDULER: z.enum(['auto', 'embedded', 'distributed', 'off']).default('auto'),
  PUBLIC_URL: optionalText.pipe(z.string().url().optional()),
  CONFORMANCE_DIR: optionalText,
  COMMONS_ORG: optionalText.pipe(z.string().max(120, 'must be at most 120 characters').optional()),
  COMMONS_PRIVATE_KEY: optionalText.pipe(
    z.string().includes('PRIVATE KEY', { message: 'must be a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)' }).optional(),
  ),
  COMMONS_TENANTS: list.pipe(
    z.array(
      z
        .string()
        .regex(/^(?:slack|teams)_[A-Za-z0-9-]{1,64}$/, 'must be tenants: slack_<team id> or teams_<Entra tenant id>'),
    ),
  ),
  COMMONS_PULL_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  COMMONS_ALLOW_HTTP: optionalText.pipe(z.enum(['0', '1']).optional()),
  OCDS_PREFIX: optionalText.pipe(
    z
      .string()
      .regex(/^ocds-[a-z0-9]{6}$/, 'must be an OCDS ocid prefix: ocds- and 6 lower-case letters or digits')
      .optional(),
  ),
});

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
export const isLoopbackHost = (host: string) => LOOPBACK_HOSTS.has(host.toLowerCase());

/** Rules across variables; checked on the raw values so they are reported alongside field errors. */
function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const value = (name: string) => (env[name] ?? '').trim();
  const problems: string[] = [];
  const oauthVars = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'];
  const oauth = oauthVars.some(set);
  if (oauth) {
    for (const name of oauthVars.filter((n) => !set(n))) {
      problems.push(`${name}: is required for Slack OAuth (with ${oauthVars.filter(set).join(', ')})`);
    }
    if (set('SLACK_BOT_TOKEN')) {
      problems.push(
        'SLACK_BOT_TOKEN: set either it (one workspace) or SLACK_CLIENT_ID and its secrets (OAuth, any workspace), not both',
      );
    }
    if (set('SLACK_APP_TOKEN')) {
      problems.push('SLACK_APP_TOKEN: Slack OAuth needs HTTP mode (Slack calls /slack/oauth_redirect); unset it');
    }
    if (!set('SLACK_SIGNING_SECRET')) problems.push('SLACK_SIGNING_SECRET: is required for Slack OAuth (HTTP mode)');
  }
  if (set('SLACK_BOT_TOKEN') && !set('SLACK_APP_TOKEN') && !set('SLACK_SIGNING_SECRET')) {
    problems.push(
      'SLACK_SIGNING_SECRET: is required with SLACK_BOT_TOKEN for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (!set('SLACK_BOT_TOKEN') && !oauth && (set('SLACK_APP_TOKEN') || set('SLACK_SIGNING_SECRET'))) {
    problems.push('SLACK_BOT_TOKEN: is required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set');
  }
  // botbuilder turns authentication off whenever the app id is empty, even with a password: never let that
  // happen by accident.
  const teamsSecrets = ['MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID', 'MICROSOFT_APP_TYPE', 'ALLOWED_TENANTS'];
  if (!set('MICROSOFT_APP_ID') && teamsSecrets.some(set)) {
    problems.push(`MICROSOFT_APP_ID: is required when ${teamsSecrets.filter(set).join(', ')} is set`);
  }
  const appType = value('MICROSOFT_APP_TYPE') || 'MultiTenant';
  if (set('MICROSOFT_APP_ID') && appType !== 'UserAssignedMSI' && !set('MICROSOFT_APP_PASSWORD')) {
    problems.push('MICROSOFT_APP_PASSWORD: is required with MICROSOFT_APP_ID');
  }
  if (set('MICROSOFT_APP_ID') && appType !== 'MultiTenant' && !set('MICROSOFT_APP_TENANT_ID')) {
    problems.push(`MICROSOFT_APP_TENANT_ID: is required when MICROSOFT_APP_TYPE is ${appType}`);
  }
  // A multi-tenant app answers any Entra tenant that installs it: the operator names the ones it serves.
  if (set('MICROSOFT_APP_ID') && appType === 'MultiTenant' && !set('ALLOWED_TENANTS')) {
    problems.push(
      'ALLOWED_TENANTS: is required for a MultiTenant Teams app: the Entra tenant ids it serves, comma separated (or * for any)',
    );
  }
  if (set('ALLOWED_TENANTS') && value('ALLOWED_TENANTS').includes('*') && value('ALLOWED_TENANTS') !== '*') {
    problems.push('ALLOWED_TENANTS: * means every tenant and stands alone');
  }
  if (value('COMMONS_ALLOW_HTTP') === '1' && value('NODE_ENV') === 'production') {
    problems.push(
      'COMMONS_ALLOW_HTTP: plain http:// feeds are for local testing; production reads feeds over https only',
    );
  }
  if (value('SCHEDULER') === 'distributed' && !/^rediss?:\/\//.test(value('STORE_URL'))) {
    problems.push('SCHEDULER: distributed needs STORE_URL=redis://… (BullMQ runs on the store’s Redis)');
  }
  // Local mode (Teams without credentials) authenticates nothing: it is for this machine only, never a server.
  const slack = set('SLACK_BOT_TOKEN') || oauth;
  const local = !set('MICROSOFT_APP_ID') && (!slack || value('PLAYGROUND') === '1');
  if (local) {
    const missing = ['MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TYPE', 'ALLOWED_TENANTS'].join(', ');
    const refuse = (why: string) =>
      problems.push(
        `${why}: local mode (no MICROSOFT_APP_ID) authenticates no Teams traffic and serves this machine only. ` +
          `Set ${missing} (and MICROSOFT_APP_TENANT_ID for a single-tenant app) to run Teams for real.`,
      );
    if (value('NODE_ENV') === 'production') refuse('NODE_ENV');
    if (set('PUBLIC_URL')) refuse('PUBLIC_URL');
    if (set('HOST') && !isLoopbackHost(value('HOST'))) refuse('HOST');
  }
  return problems;
}

export type Env = z.infer<typeof EnvSchema>;

export interface SlackConfig {
  /** One workspace (an internal app): its bot token. */
  botToken?: string;
  /** Any workspace: OAuth v2 distribution, installations kept in the store. */
  oauth?: { clientId: string; clientSecret: string; stateSecret: string };
  signingSecret?: string;
  appToken?: string;
  /** Web API base URL with a trailing slash (GovSlack, or a fake in tests). OAuth pages follow its host. */
  apiUrl?: string;
  socketMode: boolean;
}

export interface TeamsConfig {
  /**
   * Served when credentials are set, or in local mode when Slack is not configured (or PLAYGROUND=1): a Slack
   * deployment never exposes an unauthenticated Teams endpoint by accident.
   */
  enabled: boolean;
  /** Absent in local mode: no authentication, and the bot only talks to this machine. */
  credentials?: {
    appId: string;
    password?: string;
    tenantId?: string;
    type: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
  };
  /** Entra tenants served ('*': any). A single-tenant app serves its own tenant. Empty in local mode. */
  allowedTenants: string[] | '*';
  /** Hosts a serviceUrl may name once authenticated (tests add 127.0.0.1 for their fake connector). */
  connectorHosts: string[];
}

export interface Config {
  port: number;
  /** The interface to bind; local mode binds loopback only. */
  host: string;
  /** Teams without credentials: no authentication, loopback only, refuses proxies. */
  local: boolean;
  storeUrl: string;
  logLevel: (typeof LOG_LEVELS)[number];
  triagePack?: string;
  procurementChannel?: string;
  /** People who are admins of every tenant they belong to: Slack user ids or Entra object ids (ADMINS). */
  admins: string[];
  slack?: SlackConfig;
  /** Teams is always served at /api/messages; without credentials it runs in local mode. */
  teams: TeamsConfig;
  /** Timeout of each outbound Slack or Teams call. */
  platformTimeoutMs: number;
  /** How long SIGTERM waits for in-flight work to finish before the process exits anyway. */
  shutdownGraceMs: number;
  /** Development (NODE_ENV not production): logs may be pretty on a terminal. */
  production: boolean;
  /** Bearer token /metrics asks for; without one, /metrics is served in local mode only. */
  metricsToken?: string;
  /** Reminder digests: one process (embedded), BullMQ on the store's Redis (distributed), or none. */
  scheduler: 'embedded' | 'distributed' | 'off';
  /** The service's public base URL, for download links (Teams exports); local mode uses http://localhost:<port>. */
  publicUrl?: string;
  /** OCDS ocid prefix for exports (register one with the Open Contracting Partnership for real publication). */
  ocdsPrefix: string;
  /** Where the transparency registers' official field lists are (default ../shared/conformance/transparency). */
  conformanceDir?: string;
  /**
   * The commons: the organisation's name (sharing is off without it), its signing key (else one is made and kept in
   * the store), how often subscribed feeds are pulled, whether plain http:// feeds may be read (local mode), and the
   * tenants that publish as the organisation (required where the deployment serves several organisations).
   */
  commons: { org?: string; privateKey?: string; pullMinutes: number; allowHttp: boolean; tenants?: string[] };
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
  const oauth =
    e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET
      ? { clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET, stateSecret: e.SLACK_STATE_SECRET }
      : undefined;
  const slackOn = Boolean(e.SLACK_BOT_TOKEN || oauth);
  const credentials = e.MICROSOFT_APP_ID
    ? {
        appId: e.MICROSOFT_APP_ID,
        password: e.MICROSOFT_APP_PASSWORD,
        tenantId: e.MICROSOFT_APP_TENANT_ID,
        type: e.MICROSOFT_APP_TYPE ?? ('MultiTenant' as const),
      }
    : undefined;
  const teamsOn = Boolean(credentials) || !slackOn || e.PLAYGROUND === '1';
  const local = teamsOn && !credentials;
  return {
    port: e.PORT,
    host: e.HOST ?? (local ? '127.0.0.1' : '0.0.0.0'),
    local,
    storeUrl: e.STORE_URL,
    logLevel: e.LOG_LEVEL,
    triagePack: e.TRIAGE_PACK,
    procurementChannel: e.PROCUREMENT_CHANNEL,
    admins: e.ADMINS,
    slack: slackOn
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          oauth,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl,
          socketMode: Boolean(e.SLACK_APP_TOKEN),
        }
      : undefined,
    teams: {
      enabled: teamsOn,
      credentials,
      allowedTenants: !credentials
        ? []
        : e.ALLOWED_TENANTS.includes('*')
          ? '*'
          : e.ALLOWED_TENANTS.length > 0
            ? e.ALLOWED_TENANTS.map((id) => id.toLowerCase())
            : credentials.tenantId
              ? [credentials.tenantId.toLowerCase()]
              : [],
      connectorHosts: e.BOT_CONNECTOR_HOSTS.length > 0 ? e.BOT_CONNECTOR_HOSTS : DEFAULT_BOT_CONNECTOR_HOSTS,
    },
    platformTimeoutMs: e.PLATFORM_TIMEOUT_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    production: e.NODE_ENV === 'production',
    metricsToken: e.METRICS_TOKEN,
    scheduler: e.SCHEDULER === 'auto' ? (/^rediss?:\/\//.test(e.STORE_URL) ? 'distributed' : 'embedded') : e.SCHEDULER,
    ocdsPrefix: e.OCDS_PREFIX ?? 'ocds-aiproc',
    ...(e.CONFORMANCE_DIR ? { conformanceDir: e.CONFORMANCE_DIR } : {}),
    publicUrl: e.PUBLIC_URL,
    commons: {
      org: e.COMMONS_ORG,
      privateKey: e.COMMONS_PRIVATE_KEY?.replace(/\\n/g, '\n'),
      pullMinutes: e.COMMONS_PULL_MINUTES,
      ...(e.COMMONS_TENANTS.length ? { tenants: e.COMMONS_TENANTS } : {}),
      allowHttp: e.COMMONS_ALLOW_HTTP ? e.COMMONS_ALLOW_HTTP === '1' : local,
    },
    playground: {
      enabled: e.PLAYGROUND === '1' || (e.PLAYGROUND !== '0' && !slackOn && !e.MICROSOFT_APP_ID),
      port: e.PLAYGROUND_PORT,
    },
  };
}
