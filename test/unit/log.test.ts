import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { configuredSecrets, createLogger, type LoggerOptions, maskSecrets, wantsPrettyLogs } from '../../src/log.js';

function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('debug', sink, options), text: () => lines.join('') };
}

describe('logs never carry secrets', () => {
  it('redacts secret fields by name and masks token-shaped strings anywhere', () => {
    const { logger, text } = capture();
    logger.info({ token: 'xoxb-111-222-abc', config: { signingSecret: 'shh', botToken: 'xoxb-9' } }, 'starting');
    logger.error({ err: new Error('call failed with Bearer abc.def.ghi for xoxb-123-456-xyz') }, 'boom');
    logger.warn({ headers: { authorization: 'Bearer zzz' }, nested: { deeper: { note: 'app token xapp-1-A1-xyz' } } });
    logger.info('message with xoxp-999-888 inside');
    logger.info({ sig: `v0=${'a'.repeat(64)}` }, 'signature');
    const out = text();
    for (const secret of [
      'xoxb-111-222-abc',
      'shh',
      'xoxb-9',
      'abc.def.ghi',
      'xoxb-123-456-xyz',
      'zzz',
      'xapp-1-A1-xyz',
      'xoxp-999-888',
      'a'.repeat(64),
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[REDACTED]');
    expect(out).toContain('call failed with');
  });

  it('leaves ordinary text alone', () => {
    expect(maskSecrets('Chatbot for council tax queries')).toBe('Chatbot for council tax queries');
  });
});

describe('configured secrets are masked by value', () => {
  const config = {
    storeUrl: 'postgresql://bot:S3cret%2Fpass@db.internal:5432/aiprocure',
    slack: { botToken: 'xoxb-1-2-3', signingSecret: '8f14e45fceea167a5a36dedd4bea2543', socketMode: false },
    teams: {
      enabled: true,
      credentials: { appId: 'app-id', password: 'Qx8~shapeless.password_value', type: 'MultiTenant' as const },
    },
  };

  it('masks the Teams app password, the signing secret and a store password wherever they appear', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('debug', sink, { secrets: configuredSecrets(config) });
    logger.error({ err: new Error('token request failed: client_secret=Qx8~shapeless.password_value') }, 'auth');
    logger.info({ url: 'postgresql://bot:S3cret/pass@db.internal/aiprocure' }, 'store');
    logger.info('computed with 8f14e45fceea167a5a36dedd4bea2543 as key');
    const out = lines.join('');
    for (const secret of ['Qx8~shapeless.password_value', 'S3cret/pass', '8f14e45fceea167a5a36dedd4bea2543']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('token request failed');
    expect(out).toContain('db.internal');
  });

  it('leaves short values alone so logs stay readable', () => {
    expect(maskSecrets('status ok', ['ok'])).toBe('status ok');
  });
});

describe('pretty logs in development', () => {
  it('are for a terminal outside production only', () => {
    expect(wantsPrettyLogs(false, { isTTY: true })).toBe(true);
    expect(wantsPrettyLogs(true, { isTTY: true })).toBe(false);
    expect(wantsPrettyLogs(false, { isTTY: false })).toBe(false);
    expect(wantsPrettyLogs(false, {})).toBe(false);
  });

  it('read as lines a person can scan, and mask secrets like the JSON ones', () => {
    const { logger, text } = capture({ pretty: true, secrets: ['store-password-123'] });
    logger.info({ port: 3978, token: 'xoxb-1-2-abc' }, 'listening on store-password-123');
    logger.warn('slow Slack call');
    const out = text();
    expect(out).toMatch(/INFO.*listening on \[REDACTED\]/);
    expect(out).toMatch(/WARN.*slow Slack call/);
    expect(out).toContain('port: 3978');
    expect(out).not.toContain('xoxb-1-2-abc');
    expect(out).not.toContain('store-password-123');
    expect(() => JSON.parse(out.split('\n')[0]!)).toThrow();
  });
});
