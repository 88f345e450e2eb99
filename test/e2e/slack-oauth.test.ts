/**
 * Slack distributed by OAuth v2: the real Bolt app with its installer on the service's one HTTP server, against the
 * fake Web API's oauth.v2.access. Two workspaces install the app and share one deployment; each is answered with
 * its own token and sees only its own records; a third that never installed it is refused; rotated tokens are
 * refreshed; an uninstalled workspace stops receiving posts and keeps its data.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SLACK_BOT_SCOPES } from '../../src/channels/slack/app.js';
import type { Dialogue } from '../../src/core/triage/dialogue.js';
import { dialogueIdFor } from '../../src/core/triage/service.js';
import { KeyvDialogueRepository } from '../../src/store/dialogue-repository.js';
import { MutableClock } from '../helpers/clock.js';
import { schedulerOf } from '../helpers/logged-service.js';
import { buttons, CHANNEL, SECRET, SlackHarness, textOf } from '../helpers/slack-harness.js';
import { eventCallback, postToSlackApp } from '../support/slack-requests.js';
import { waitUntil } from '../support/wait.js';
import { makeContract } from '../unit/contracts/helpers.js';

let harness: SlackHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const A = 'TAAAA01';
const B = 'TBBBB02';

async function start(clock?: MutableClock) {
  harness = await SlackHarness.start({ oauth: true, clock, env: clock ? { scheduler: 'embedded' } : {} });
  return harness;
}

/** The bot token the fake issued to `team` most recently. */
const tokenOf = (h: SlackHarness, team: string) =>
  h.fake
    .tokens()
    .filter((t) => h.fake.teamOf(t) === team)
    .at(-1);

/** Starts a triage in `team` and answers once the root message and the first question are out. */
async function triage(h: SlackHarness, team: string, title: string, user: string) {
  const before = h.fake.calls.length;
  const ack = await h.command(`triage ${title}`, user, CHANNEL, { teamId: team });
  expect(ack.status).toBe(200);
  await h.fake.waitFor(
    (calls) => calls.slice(before).filter((c) => c.method === 'chat.postMessage' && c.status === 200).length >= 2,
    5000,
    `the triage in ${team}`,
  );
  const root = h.rootOf(title);
  return { root, posts: h.fake.calls.slice(before).filter((c) => c.method === 'chat.postMessage') };
}

describe('Slack: installed by OAuth in any workspace', () => {
  it('installs in two workspaces; each is answered with its own token and its installer is its admin', async () => {
    const h = await start();
    // The install link goes to the authorize page of the Slack the Web API lives on (GovSlack moves both).
    const begin = await fetch(`${h.baseUrl}/slack/install`, { redirect: 'manual' });
    expect(begin.status).toBe(302);
    const authorize = new URL(begin.headers.get('location') ?? '');
    expect(authorize.origin + authorize.pathname).toBe(`${new URL(h.fake.url).origin}/oauth/v2/authorize`);
    expect(authorize.searchParams.get('scope')?.split(',')).toEqual([...SLACK_BOT_SCOPES]);

    const installed = await h.install({ teamId: A, userId: 'UINSTALLA' });
    expect(installed.status).toBe(200);
    expect(installed.page).toContain('is installed in Workspace TAAAA01');
    expect(installed.page).not.toContain('slack.com');
    expect((await h.install({ teamId: B, userId: 'UINSTALLB' })).status).toBe(200);

    const a = await triage(h, A, 'Chatbot for council tax queries', 'UANNA');
    const b = await triage(h, B, 'Fraud scoring for parking permits', 'UBRIAN');
    expect(a.posts.every((c) => c.token === tokenOf(h, A))).toBe(true);
    expect(b.posts.every((c) => c.token === tokenOf(h, B))).toBe(true);
    expect(tokenOf(h, A)).not.toBe(tokenOf(h, B));

    // The installer is an admin there, and only there.
    const rolesA = await h.command('roles', 'UINSTALLA', CHANNEL, { teamId: A });
    await h.fake.waitFor((calls) =>
      calls.some((c) => c.method === 'respond' && JSON.stringify(c.args).includes('Admins')),
    );
    expect(JSON.stringify(h.fake.callsOf('respond').at(-1)!.args)).toContain('<@UINSTALLA>');
    expect(rolesA.status).toBe(200);
    const before = h.fake.callsOf('respond').length;
    await h.command('config hour 8', 'UINSTALLA', CHANNEL, { teamId: B });
    await h.fake.waitFor((calls) => calls.filter((c) => c.method === 'respond').length > before);
    expect(JSON.stringify(h.fake.callsOf('respond').at(-1)!.args)).toContain('is for an admin');
    expect((await h.service!.settingsRepository.get(`slack_${B}`)).digestHour).toBeUndefined();
  });

  it('never lets one workspace touch another’s triage, and refuses a workspace that never installed the app', async () => {
    const h = await start();
    await h.install({ teamId: A, userId: 'UINSTALLA' });
    await h.install({ teamId: B, userId: 'UINSTALLB' });
    const { root } = await triage(h, A, 'Chatbot for council tax queries', 'UANNA');
    const question = h.currentQuestion(root.ts)!;
    const dialogues = new KeyvDialogueRepository(h.service!.records);
    const id = dialogueIdFor({ channel: root.channel, id: root.ts });
    const stored = async (tenant: string): Promise<Dialogue | undefined> => dialogues.get(tenant, id);
    await waitUntil(async () => (await stored(`slack_${A}`))?.currentMessage !== undefined, 5000, 'the saved question');
    const step = (await stored(`slack_${A}`))!.step;

    // Workspace B replays A's button (its payload names A's dialogue): B's tenant has no such triage.
    const ephemerals = h.fake.callsOf('chat.postEphemeral').length;
    await h.click(question, buttons(question)[0]!, 'UBRIAN', undefined, B);
    const [notice] = (await h.fake.waitForCalls('chat.postEphemeral', ephemerals + 1)).slice(-1);
    expect(textOf({ blocks: notice!.args.blocks })).toContain('That triage no longer exists.');
    expect(notice!.token).toBe(tokenOf(h, B));
    expect((await stored(`slack_${A}`))!.step).toBe(step);
    expect(await stored(`slack_${B}`)).toBeUndefined();

    // Nor A's contract: "Open contract" clicked in B with A's contract id finds none, and A's stays as it was.
    const contract = makeContract({ id: 'C-AAAAA1', tenant: `slack_${A}`, channel: 'CPROCA' });
    await h.service!.contractRepository.save(contract);
    const open = { actionId: 'contract_open', value: JSON.stringify({ c: contract.id }) };
    const before = h.fake.callsOf('chat.postEphemeral').length;
    await h.click(question, open, 'UBRIAN', undefined, B);
    const [missing] = (await h.fake.waitForCalls('chat.postEphemeral', before + 1)).slice(-1);
    expect(textOf({ blocks: missing!.args.blocks })).toContain('There is no contract C-AAAAA1.');
    expect(await h.service!.contractRepository.get(`slack_${A}`, contract.id)).toEqual(contract);

    // A workspace that never installed the app: refused before any listener runs, nothing posted there.
    const calls = h.fake.calls.length;
    await h.command('triage Sneaky', 'UEVE', CHANNEL, { teamId: 'TNEVER9' });
    await waitUntil(() => h.logs.join('').includes('a workspace this bot does not serve'), 5000, 'the refusal');
    expect(h.fake.calls.slice(calls)).toEqual([]);
  });

  it('refreshes a rotated token before it expires and keeps the new one', async () => {
    const h = await start();
    // Token rotation on: the access token lasts an hour, inside Bolt's two-hour refresh window.
    await h.install({ teamId: A, userId: 'UINSTALLA', expiresIn: 3600 });
    const first = tokenOf(h, A);
    const { posts } = await triage(h, A, 'Chatbot for council tax queries', 'UANNA');
    const refreshes = h.fake.callsOf('oauth.v2.access').filter((c) => c.args.grant_type === 'refresh_token');
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
    const rotated = tokenOf(h, A);
    expect(rotated).not.toBe(first);
    expect(posts.every((c) => c.token === rotated)).toBe(true);
    // The store holds the rotated token: another replica (or a restart) uses it too.
    const raw = await h.service!.records.get(`t:slack_${A}:slack-installation`, installationShape);
    expect(raw?.bot?.token).toBe(rotated);
  });

  it('stops posting to an uninstalled workspace and keeps its records; installing again brings it back', async () => {
    const clock = new MutableClock(new Date('2026-05-04T07:00:00Z'));
    const h = await start(clock);
    await h.install({ teamId: A, userId: 'UINSTALLA' });
    await h.install({ teamId: B, userId: 'UINSTALLB' });
    const { root } = await triage(h, A, 'Chatbot for council tax queries', 'UANNA');
    // Each workspace has a contract whose reviews are overdue, so each is owed a digest at 09:00 London.
    for (const [team, id] of [
      [A, 'C-AAAAA1'],
      [B, 'C-BBBBB2'],
    ] as const) {
      await h.service!.settingsRepository.update(`slack_${team}`, { timeZone: 'Europe/London', digestHour: 9 });
      await h.service!.contractRepository.save(makeContract({ id, tenant: `slack_${team}`, channel: `CPROC${team}` }));
    }

    const uninstalled = await postToSlackApp(
      h.baseUrl,
      'json',
      eventCallback({ type: 'app_uninstalled' }, { teamId: A }),
      { secret: SECRET },
    );
    expect(uninstalled.status).toBe(200);
    await waitUntil(
      async () => (await h.service!.settingsRepository.get(`slack_${A}`)).inactive !== undefined,
      5000,
      'A marked inactive',
    );
    h.fake.revoke(tokenOf(h, A)!);

    clock.set(new Date('2026-05-04T08:05:00Z'));
    await schedulerOf(h.service).tick();
    const digests = h.fake
      .callsOf('chat.postMessage')
      .filter((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'aiprocure_digest');
    expect(digests.map((c) => c.args.channel)).toEqual([`CPROC${B}`]);
    expect(digests[0]!.token).toBe(tokenOf(h, B));
    // Not attempted and failing every minute: A is owed nothing while the app is not installed there.
    expect(h.logs.join('')).not.toContain('digest delivery failed');

    // Commands from A are refused now; its records stay.
    const calls = h.fake.calls.length;
    await h.command('contracts', 'UANNA', CHANNEL, { teamId: A });
    await waitUntil(() => h.logs.join('').includes('a workspace this bot does not serve'), 5000, 'the refusal');
    expect(h.fake.calls.slice(calls).filter((c) => c.method !== 'respond')).toEqual([]);
    const dialogues = new KeyvDialogueRepository(h.service!.records);
    expect(await dialogues.get(`slack_${A}`, dialogueIdFor({ channel: root.channel, id: root.ts }))).toBeDefined();
    expect(await h.service!.contractRepository.get(`slack_${A}`, 'C-AAAAA1')).toBeDefined();

    // Installed again: active, and its digest of the day goes out.
    await h.install({ teamId: A, userId: 'UINSTALLA' });
    expect((await h.service!.settingsRepository.get(`slack_${A}`)).inactive).toBeUndefined();
    await schedulerOf(h.service).tick();
    const after = h.fake
      .callsOf('chat.postMessage')
      .filter((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'aiprocure_digest');
    expect(after.map((c) => c.args.channel)).toEqual([`CPROC${B}`, `CPROC${A}`]);
    expect(after[1]!.token).toBe(tokenOf(h, A));
  });

  it('installs org-wide on Enterprise Grid: every workspace of the org is one tenant, with the org’s token', async () => {
    const h = await start();
    expect((await h.install({ enterpriseId: 'EORG0001', userId: 'UORGADMIN' })).status).toBe(200);
    const orgToken = tokenOf(h, 'EORG0001');
    for (const team of ['TWS00001', 'TWS00002']) {
      const before = h.fake.calls.length;
      await h.command('triage Chatbot for council tax queries', 'WUSER01', CHANNEL, {
        teamId: team,
        orgInstall: 'EORG0001',
      });
      await h.fake.waitFor((calls) => calls.slice(before).some((c) => c.method === 'chat.postMessage'), 5000, team);
      expect(h.fake.calls.slice(before).find((c) => c.method === 'chat.postMessage')!.token).toBe(orgToken);
    }
    await waitUntil(
      async () =>
        (
          await h.service!.access.standing('slack_EORG0001', {
            id: 'UORGADMIN',
            facts: async () => ({ admin: false, guest: false }),
          })
        ).role === 'admin',
      2000,
      'the org installer an admin of the org',
    );
  });

  it('marks the workspace inactive when its bot token is revoked, and not when only a user token is', async () => {
    const h = await start();
    await h.install({ teamId: A, userId: 'UINSTALLA' });
    const revoked = (tokens: Record<string, string[]>) =>
      postToSlackApp(h.baseUrl, 'json', eventCallback({ type: 'tokens_revoked', tokens }, { teamId: A }), {
        secret: SECRET,
      });
    expect((await revoked({ oauth: ['UANNA'] })).status).toBe(200);
    expect((await revoked({ bot: ['U_BOT'] })).status).toBe(200);
    await waitUntil(() => h.logs.join('').includes('posting there stops'), 5000, 'the removal');
    expect((await h.service!.settingsRepository.get(`slack_${A}`)).inactive?.reason).toBe('tokens_revoked');
    expect(h.logs.join('').split('posting there stops').length - 1).toBe(1);
  });

  it('refuses a callback whose state it did not sign, and stores nothing', async () => {
    const h = await start();
    const code = h.fake.authorizationCode({ teamId: A, userId: 'UINSTALLA' });
    const forged = await fetch(`${h.baseUrl}/slack/oauth_redirect?code=${code}&state=forged`, {
      headers: { cookie: 'slack-app-oauth-state=forged' },
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('did not complete');
    expect(h.fake.callsOf('oauth.v2.access')).toEqual([]);
    expect(await h.service!.records.get(`t:slack_${A}:slack-installation`, installationShape)).toBeUndefined();
  });
});

/** Enough of a stored installation to read its bot token back. */
const installationShape = z.object({ bot: z.object({ token: z.string() }).passthrough().optional() }).passthrough();
