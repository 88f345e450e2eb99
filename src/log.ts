import { type DestinationStream, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.js';

/**
 * Logs are JSON lines from pino, or pino-pretty's readable lines on a developer's terminal. Secrets never reach them: known secret fields are redacted by path, and any
 * string that looks like a Slack token, a bearer credential or a signing signature is masked wherever it appears,
 * because libraries (Bolt, botbuilder) log objects whose shape we do not control.
 */

const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-slack-signature"]',
  'req.headers.authorization',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'refreshToken',
  '*.refreshToken',
  'refresh_token',
  '*.refresh_token',
  'access_token',
  '*.access_token',
  'MICROSOFT_APP_PASSWORD',
  '*.MICROSOFT_APP_PASSWORD',
];

const SECRET_PATTERNS: RegExp[] = [
  /xox[abposre]-[A-Za-z0-9-]+/g,
  /xoxe\.xox[bp]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  /\bBearer\s+[A-Za-z0-9._~+/-]+=*/gi,
  /\bv0=[a-f0-9]{64}\b/g,
];

/**
 * Masks token-shaped strings and, exactly, each configured secret value (the Teams app password or a store
 * password has no recognisable shape). Values shorter than 8 characters are ignored: masking them would garble logs.
 */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  let masked = text;
  for (const pattern of SECRET_PATTERNS) masked = masked.replace(pattern, '[REDACTED]');
  for (const secret of secrets) if (secret.length >= 8) masked = masked.replaceAll(secret, '[REDACTED]');
  return masked;
}

function scrub(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return maskSecrets(value, secrets);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: maskSecrets(value.message, secrets),
      stack: value.stack && maskSecrets(value.stack, secrets),
    };
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrub(item, secrets, depth + 1);
  return out;
}

export interface LoggerOptions {
  secrets?: readonly (string | undefined)[];
  /** Human-readable lines (pino-pretty) instead of JSON, e.g. on a terminal in development. */
  pretty?: boolean;
}

/** Pretty logs are for a person at a terminal in development; anything else (files, collectors, production) is JSON. */
export function wantsPrettyLogs(production: boolean, stream: { isTTY?: boolean } = process.stdout): boolean {
  return !production && stream.isTTY === true;
}

export function createLogger(level: string, destination?: DestinationStream, options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 8);
  // Masking runs in pino's formatters and hooks, before either output, so pretty lines are as clean as JSON ones.
  // pino-pretty runs in this thread (no transport worker), so the last lines before an exit are not lost.
  const output = options.pretty
    ? pretty({ destination: destination ?? 1, sync: true, colorize: destination === undefined, ignore: 'pid,hostname' })
    : destination;
  return pino(
    {
      level,
      base: { service: 'aiprocure-bot' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { log: (object) => scrub(object, secrets) as Record<string, unknown> },
      hooks: {
        // Mask secrets in the message string too, not only in the merged object.
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskSecrets(arg, secrets) : arg)) as typeof args;
          method.apply(this, masked);
        },
      },
    },
    output,
  );
}

/** Every secret value in the configuration, for `createLogger`'s exact-value masking. */
export function configuredSecrets(
  config: Pick<Config, 'storeUrl' | 'slack'> & {
    teams: Pick<Config['teams'], 'credentials'>;
    metricsToken?: string;
    commons?: Pick<Config['commons'], 'privateKey'>;
  },
): string[] {
  const secrets = [config.slack?.botToken, config.slack?.signingSecret, config.slack?.appToken, config.metricsToken];
  // The PEM's base64 body, line by line: a logged key would show one line at a time.
  for (const line of config.commons?.privateKey?.split('\n') ?? [])
    if (line.length > 20 && !line.startsWith('-----')) secrets.push(line);
  secrets.push(config.slack?.oauth?.clientSecret, config.slack?.oauth?.stateSecret);
  secrets.push(config.teams.credentials?.password);
  try {
    const password = new URL(config.storeUrl).password;
    if (password) secrets.push(decodeURIComponent(password), password);
  } catch {
    // Not a URL (a SQLite path): no password in it.
  }
  return secrets.filter((s): s is string => Boolean(s));
}

export type { Logger };
