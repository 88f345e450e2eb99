import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Logs are JSON lines from pino. Secrets never reach them: known secret fields are redacted by path, and any
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
  'MICROSOFT_APP_PASSWORD',
  '*.MICROSOFT_APP_PASSWORD',
];

const SECRET_PATTERNS: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  /\bBearer\s+[A-Za-z0-9._~+/-]+=*/gi,
  /\bv0=[a-f0-9]{64}\b/g,
];

export function maskSecrets(text: string): string {
  let masked = text;
  for (const pattern of SECRET_PATTERNS) masked = masked.replace(pattern, '[REDACTED]');
  return masked;
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskSecrets(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: maskSecrets(value.message), stack: value.stack && maskSecrets(value.stack) };
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrub(item, depth + 1);
  return out;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'aiprocure-bot' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      hooks: {
        // Mask secrets in the message string too, not only in the merged object.
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskSecrets(arg) : arg)) as typeof args;
          method.apply(this, masked);
        },
      },
    },
    destination,
  );
}

export type { Logger };
