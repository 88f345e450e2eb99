/**
 * Local mode (Teams without credentials) fails closed: the real service, started as `npm start` starts it, binds
 * loopback only, refuses anything relayed by a proxy or tunnel, says so in /healthz, and will not start at all where
 * it would be reachable as a server.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteUrl } from '../helpers/backends.js';
import { type ChildService, startChildService } from '../helpers/child-service.js';
import { TeamsHarness } from '../helpers/teams-harness.js';
import { channelMessage, postActivity } from '../support/teams-activities.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let child: ChildService | undefined;
let harness: TeamsHarness | undefined;
afterEach(async () => {
  await child?.kill('SIGKILL');
  await harness?.close();
  child = undefined;
  harness = undefined;
});

/** Runs `npm start`'s command to its end with `env`; for a configuration it must refuse. */
function refusedStart(env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', PLAYGROUND: '0', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, stderr: run.stderr };
}

describe('local mode', () => {
  it('binds loopback, reports the mode, and refuses requests through a proxy or tunnel', async () => {
    child = await startChildService({ STORE_URL: sqliteUrl(), PLAYGROUND: '0' });
    const listening = child.output
      .join('')
      .split('\n')
      .find((l) => l.includes('"msg":"listening"'))!;
    expect(JSON.parse(listening)).toMatchObject({ host: '127.0.0.1', mode: 'local', teams: 'local', slack: 'off' });
    const health = await fetch(`${child.baseUrl}/healthz`);
    expect(await health.json()).toEqual({ ok: true, mode: 'local', slack: 'off', teams: 'local' });

    const relays: Record<string, string>[] = [
      { 'x-forwarded-for': '203.0.113.9' },
      { forwarded: 'for=203.0.113.9;proto=https' },
    ];
    for (const headers of relays) {
      const relayed = await fetch(`${child.baseUrl}/healthz`, { headers });
      expect(relayed.status).toBe(403);
      expect(await relayed.json()).toEqual({
        error: 'Local mode refuses requests relayed by a proxy or tunnel: it serves this machine only.',
      });
    }
    // It says so at every start, loudly.
    expect(child.output.join('')).toContain('Teams is in LOCAL MODE');
  });

  it('refuses a Teams activity relayed by a proxy, before botbuilder sees it', async () => {
    harness = await TeamsHarness.start();
    const activity = channelMessage({ serviceUrl: harness.connector.url, text: 'triage Through a tunnel' });
    const relayed = await postActivity(harness.baseUrl, activity, { 'x-forwarded-for': '198.51.100.7' });
    expect(relayed.status).toBe(403);
    // The same activity straight from this machine is answered: the refusal was the proxy header, nothing else.
    const direct = await postActivity(harness.baseUrl, activity);
    expect(direct.status).toBe(200);
    await harness.connector.waitFor((calls) => calls.some((c) => JSON.stringify(c.body).includes('Through a tunnel')));
    await harness.settle();
    // One triage root: the relayed copy started nothing.
    expect(harness.connector.calls.filter((c) => JSON.stringify(c.body).includes('Through a tunnel'))).toHaveLength(1);
  });

  it.each([
    [{ NODE_ENV: 'production' }, 'NODE_ENV'],
    [{ PUBLIC_URL: 'https://bot.example.gov' }, 'PUBLIC_URL'],
    [{ HOST: '0.0.0.0' }, 'HOST'],
  ])('will not start with %j, and names the Microsoft variables to set', (env, variable) => {
    const { status, stderr } = refusedStart({ STORE_URL: sqliteUrl(), ...env });
    expect(status).toBe(2);
    expect(stderr).toContain(`${variable}: local mode (no MICROSOFT_APP_ID) authenticates no Teams traffic`);
    expect(stderr).toContain('Set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, MICROSOFT_APP_TYPE, ALLOWED_TENANTS');
  });
});
