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

  it('serves many Slack workspaces by OAuth, and never mixes that with one bot token or Socket Mode', () => {
    const oauth = {
      SLACK_CLIENT_ID: '111.222',
      SLACK_CLIENT_SECRET: 'secret',
      SLACK_STATE_SECRET: 'a-long-random-state-secret',
      SLACK_SIGNING_SECRET: 's',
    };
    expect(loadConfig(oauth).slack).toMatchObject({ oauth: { clientId: '111.222' }, botToken: undefined });
    expect(() => loadConfig({ ...oauth, SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/set either it .* not both/);
    expect(() => loadConfig({ ...oauth, SLACK_APP_TOKEN: 'xapp-1' })).toThrow(/needs HTTP mode/);
    expect(() => loadConfig({ SLACK_CLIENT_ID: '1', SLACK_SIGNING_SECRET: 's' })).toThrow(
      /SLACK_CLIENT_SECRET: is required for Slack OAuth[\s\S]*SLACK_STATE_SECRET: is required/,
    );
    expect(() => loadConfig({ ...oauth, SLACK_STATE_SECRET: 'short' })).toThrow(/at least 16 characters/);
  });

  it('asks a multi-tenant Teams app which tenants it serves', () => {
    const teams = { MICROSOFT_APP_ID: '22222222-2222-2222-2222-222222222222', MICROSOFT_APP_PASSWORD: 'p' };
    expect(() => loadConfig(teams)).toThrow(/ALLOWED_TENANTS: is required for a MultiTenant Teams app/);
    const two = '5f0c7a52-3b1e-4c55-9a3e-7d2b1c0e9f01,7C2E9A10-0D4B-4F7E-8A51-3C9D2B7E0001';
    expect(loadConfig({ ...teams, ALLOWED_TENANTS: two }).teams.allowedTenants).toEqual([
      '5f0c7a52-3b1e-4c55-9a3e-7d2b1c0e9f01',
      '7c2e9a10-0d4b-4f7e-8a51-3c9d2b7e0001',
    ]);
    expect(() => loadConfig({ ...teams, ALLOWED_TENANTS: 'contoso' })).toThrow(/must be Entra tenant ids/);
    expect(() => loadConfig({ ...teams, ALLOWED_TENANTS: `*,${two}` })).toThrow(
      /\* means every tenant and stands alone/,
    );
    const single = loadConfig({ ...teams, MICROSOFT_APP_TYPE: 'SingleTenant', MICROSOFT_APP_TENANT_ID: 'ABC' });
    expect(single.teams.allowedTenants).toEqual(['abc']);
    expect(() => loadConfig({ ALLOWED_TENANTS: '*' })).toThrow(/MICROSOFT_APP_ID: is required when ALLOWED_TENANTS/);
  });

  it('keeps local mode on this machine: loopback by default, and no production, public URL or other interface', () => {
    expect(loadConfig({})).toMatchObject({ local: true, host: '127.0.0.1' });
    const missing = /MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, MICROSOFT_APP_TYPE, ALLOWED_TENANTS/;
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(missing);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/NODE_ENV: local mode \(no MICROSOFT_APP_ID\)/);
    expect(() => loadConfig({ PUBLIC_URL: 'https://bot.example.gov' })).toThrow(/PUBLIC_URL: local mode/);
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST: local mode/);
    expect(loadConfig({ HOST: 'localhost' }).host).toBe('localhost');
    // Slack alone is not local mode: it binds every interface unless told otherwise, and may run in production.
    const slack = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', NODE_ENV: 'production' });
    expect(slack).toMatchObject({ local: false, host: '0.0.0.0' });
    // But Slack with the Playground forced on is local mode again.
    expect(() =>
      loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PLAYGROUND: '1', NODE_ENV: 'production' }),
    ).toThrow(/NODE_ENV: local mode/);
  });

  it('reads ADMINS and BOT_CONNECTOR_HOSTS as checked lists', () => {
    expect(loadConfig({ ADMINS: 'U0123ABC, 5f0c7a52-3b1e-4c55-9a3e-7d2b1c0e9f01' }).admins).toEqual([
      'U0123ABC',
      '5f0c7a52-3b1e-4c55-9a3e-7d2b1c0e9f01',
    ]);
    expect(() => loadConfig({ ADMINS: 'alice' })).toThrow(/ADMINS.*must be Slack user ids/);
    expect(loadConfig({}).teams.connectorHosts).toContain('smba.trafficmanager.net');
    expect(() => loadConfig({ BOT_CONNECTOR_HOSTS: 'https://x/' })).toThrow(/must be host names/);
  });
});
