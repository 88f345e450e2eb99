import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SLACK_BOT_SCOPES, SLACK_EVENTS_PATH, SLACK_REDIRECT_PATH } from '../../src/channels/slack/app.js';

const manifest = parse(readFileSync(new URL('../../manifests/slack/manifest.yaml', import.meta.url), 'utf8')) as {
  features: { slash_commands: { command: string; url: string; should_escape: boolean }[] };
  oauth_config: { redirect_urls: string[]; scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { request_url: string };
  };
};

describe('the Slack app manifest', () => {
  it('asks for exactly the scopes the OAuth installer requests', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual([...SLACK_BOT_SCOPES]);
  });

  it('points every URL at the paths the service serves', () => {
    const path = (url: string) => new URL(url).pathname;
    expect(manifest.oauth_config.redirect_urls.map(path)).toEqual([SLACK_REDIRECT_PATH]);
    expect(path(manifest.settings.event_subscriptions.request_url)).toBe(SLACK_EVENTS_PATH);
    expect(path(manifest.settings.interactivity.request_url)).toBe(SLACK_EVENTS_PATH);
    expect(manifest.features.slash_commands.map((c) => [c.command, path(c.url), c.should_escape])).toEqual([
      ['/aiprocure', SLACK_EVENTS_PATH, true],
    ]);
  });

  it('subscribes to the events the bot listens for, the app’s removal and the Home tab included', () => {
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(
      ['app_home_opened', 'app_uninstalled', 'message.channels', 'message.groups', 'tokens_revoked'].sort(),
    );
  });
});
