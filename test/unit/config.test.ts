import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration from the environment', () => {
  it('runs locally on SQLite with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3978, storeUrl: 'sqlite://data/bot.sqlite', logLevel: 'info' });
    expect(config.slack).toBeUndefined();
  });

  it('reads Slack over HTTP, and Socket Mode when an app token is set', () => {
    const http = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
    });
    expect(http.slack).toMatchObject({ socketMode: false, apiUrl: 'http://127.0.0.1:9/api/' });
    const socket = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(socket.slack?.socketMode).toBe(true);
  });

  it('serves Teams in local mode with the Playground when nothing is configured, and never unauthenticated beside Slack', () => {
    expect(loadConfig({})).toMatchObject({ teams: { enabled: true }, playground: { enabled: true, port: 56150 } });
    expect(loadConfig({}).teams.credentials).toBeUndefined();
    expect(loadConfig({ PLAYGROUND: '0' }).playground.enabled).toBe(false);
    const slackOnly = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(slackOnly.teams.enabled).toBe(false);
    expect(slackOnly.playground.enabled).toBe(false);
    const both = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      MICROSOFT_APP_ID: '22222222-2222-2222-2222-222222222222',
      MICROSOFT_APP_PASSWORD: 'p',
      ALLOWED_TENANTS: '*',
    });
    expect(both.teams).toMatchObject({ enabled: true, credentials: { type: 'MultiTenant' }, allowedTenants: '*' });
    expect(both.playground.enabled).toBe(false);
  });

  it('refuses Teams settings that would silently turn authentication off', () => {
    expect(() => loadConfig({ MICROSOFT_APP_PASSWORD: 'p' })).toThrow(/MICROSOFT_APP_ID: is required/);
    expect(() =>
      loadConfig({ MICROSOFT_APP_ID: 'x', MICROSOFT_APP_TYPE: 'SingleTenant', MICROSOFT_APP_PASSWORD: 'p' }),
    ).toThrow(/MICROSOFT_APP_TENANT_ID: is required when MICROSOFT_APP_TYPE is SingleTenant/);
    expect(() => loadConfig({ MICROSOFT_APP_ID: 'x' })).toThrow(/MICROSOFT_APP_PASSWORD: is required/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: '', PROCUREMENT_CHANNEL: ' ' }).slack).toBeUndefined();
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        STORE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        SLACK_BOT_TOKEN: 'xoxp-user-token',
        SLACK_API_URL: 'not a url',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'STORE_URL', 'LOG_LEVEL', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'SLACK_SIGNING_SECRET']) {
      expect(problems).toContain(name);
    }
  });

  it('asks for the bot token when only the other Slack secrets are set', () => {
    expect(() => loadConfig({ SLACK_SIGNING_SECRET: 's' })).toThrow(/SLACK_BOT_TOKEN: is required/);
  });
});
