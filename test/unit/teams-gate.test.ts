import { describe, expect, it } from 'vitest';
import { tenantOf } from '../../src/channels/teams/gate.js';
import { serviceUrlAllowed } from '../../src/channels/teams/service-urls.js';
import { DEFAULT_BOT_CONNECTOR_HOSTS } from '../../src/config.js';

describe('where the bot’s token may go', () => {
  const authenticated = { local: false, hosts: DEFAULT_BOT_CONNECTOR_HOSTS };
  const local = { local: true, hosts: [] };

  it.each([
    'https://smba.trafficmanager.net/emea/',
    'https://smba.trafficmanager.net/teams/',
    'https://smba.infra.gcc.teams.microsoft.com/teams',
    'https://smba.infra.gov.teams.microsoft.us/teams',
    'https://smba.infra.dod.teams.microsoft.us/teams',
  ])('lets the Bot Connector at %s be called with credentials', (url) => {
    expect(serviceUrlAllowed(url, authenticated)).toBe(true);
  });

  it.each([
    'http://smba.trafficmanager.net/emea/',
    'https://smba.trafficmanager.net.evil.example/',
    'https://evil.example/smba.trafficmanager.net/',
    'https://europe.webchat.botframework.com/',
    'https://directline.botframework.com/',
    'https://user:pass@smba.trafficmanager.net/',
    'http://127.0.0.1:3978/',
    'not a url',
    '',
  ])('refuses %j with credentials', (url) => {
    expect(serviceUrlAllowed(url, authenticated)).toBe(false);
  });

  it('matches a listed *.domain on its sub-domains only', () => {
    const sovereign = { local: false, hosts: ['*.example.cn'] };
    expect(serviceUrlAllowed('https://smba.example.cn/teams', sovereign)).toBe(true);
    expect(serviceUrlAllowed('https://example.cn/teams', sovereign)).toBe(false);
    expect(serviceUrlAllowed('https://smba.example.cn.evil/teams', sovereign)).toBe(false);
  });

  it('accepts a listed loopback host over http (a test connector) and nothing else there', () => {
    const listed = { local: false, hosts: ['127.0.0.1'] };
    expect(serviceUrlAllowed('http://127.0.0.1:5050/', listed)).toBe(true);
    expect(serviceUrlAllowed('http://localhost:5050/', listed)).toBe(false);
  });

  it('keeps local mode on this machine', () => {
    expect(serviceUrlAllowed('http://localhost:56150/_connector', local)).toBe(true);
    expect(serviceUrlAllowed('http://127.0.0.1:4000/', local)).toBe(true);
    expect(serviceUrlAllowed('http://[::1]:4000/', local)).toBe(true);
    expect(serviceUrlAllowed('http://127.0.0.1.evil.example/', local)).toBe(false);
    expect(serviceUrlAllowed('https://smba.trafficmanager.net/emea/', local)).toBe(false);
    expect(serviceUrlAllowed('file:///etc/passwd', local)).toBe(false);
  });
});

describe('the tenant of an activity', () => {
  it('is the one Teams names in channelData and the conversation, when they agree', () => {
    const id = '5F0C7A52-3B1E-4C55-9A3E-7D2B1C0E9F01';
    expect(tenantOf({ channelData: { tenant: { id } }, conversation: { tenantId: id.toLowerCase() } })).toBe(
      id.toLowerCase(),
    );
    expect(tenantOf({ channelData: { tenant: { id } } })).toBe(id.toLowerCase());
  });

  it('is nobody when they disagree, or when none is named', () => {
    expect(tenantOf({ channelData: { tenant: { id: 'a' } }, conversation: { tenantId: 'b' } })).toBeUndefined();
    expect(tenantOf({ conversation: {} })).toBeUndefined();
    expect(tenantOf({ channelData: { tenant: { id: 42 } } })).toBeUndefined();
    expect(tenantOf({ channelData: { tenant: { id: '' } } })).toBeUndefined();
  });
});
