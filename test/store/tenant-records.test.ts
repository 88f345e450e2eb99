/**
 * The records that decide who acts for whom, on every backend: Slack installations (OAuth, with their tombstones),
 * tenant roles (changed under a lock), and settings patches that remove a key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyvInstallationStore } from '../../src/channels/slack/installation-store.js';
import { StoreLocker } from '../../src/store/locks.js';
import { openStore, type StoreHandle } from '../../src/store/open-store.js';
import { Records } from '../../src/store/records.js';
import { KeyvRolesRepository } from '../../src/store/roles-repository.js';
import { KeyvSettingsRepository } from '../../src/store/settings-repository.js';
import { backends, quietLogger, testNamespace } from '../helpers/backends.js';

const install = (teamId: string | undefined, enterpriseId: string | undefined, token: string) => ({
  team: teamId ? { id: teamId, name: 'Workspace' } : undefined,
  enterprise: enterpriseId ? { id: enterpriseId, name: 'Org' } : undefined,
  isEnterpriseInstall: !teamId,
  user: { id: 'UINSTALL', token: 'xoxp-user-token-never-kept', scopes: ['identify'] },
  bot: { token, scopes: ['chat:write'], id: 'B1', userId: 'U_BOT', refreshToken: 'xoxe-1-r', expiresAt: 1_900_000_000 },
  appId: 'A1',
  authVersion: 'v2' as const,
});

describe.each(backends)('tenant records: $name', ({ url }) => {
  let store: StoreHandle;
  let records: Records;
  beforeAll(async () => {
    store = await openStore(url(), { logger: quietLogger, namespace: testNamespace() });
    records = new Records(store);
  });
  afterAll(async () => {
    await store.close();
  });

  it('keeps a Slack installation per workspace and per org, without user tokens, and tombstones it on removal', async () => {
    const installed: string[] = [];
    const installations = new KeyvInstallationStore(records, {
      installed: async (tenant, installer) => {
        installed.push(`${tenant}:${installer.id}`);
      },
    });
    await installations.storeInstallation(install('T1', undefined, 'xoxb-t1'));
    await installations.storeInstallation(install(undefined, 'E1', 'xoxb-e1'));
    expect(installed).toEqual(['slack_T1:UINSTALL', 'slack_E1:UINSTALL']);
    const workspace = await installations.fetchInstallation({
      teamId: 'T1',
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(workspace.bot).toMatchObject({ token: 'xoxb-t1', refreshToken: 'xoxe-1-r', expiresAt: 1_900_000_000 });
    expect(workspace.user).toEqual({ id: 'UINSTALL', token: undefined, scopes: undefined });
    const org = await installations.fetchInstallation({
      teamId: undefined,
      enterpriseId: 'E1',
      isEnterpriseInstall: true,
    });
    expect(org.bot?.token).toBe('xoxb-e1');

    // An event that does not say it concerns an org install still finds the org's installation.
    expect(await installations.markRemoved('slack_T9', 'app_uninstalled', 'slack_E1')).toBe('slack_E1');
    await expect(
      installations.fetchInstallation({ teamId: undefined, enterpriseId: 'E1', isEnterpriseInstall: true }),
    ).rejects.toThrow('not installed');
    const tombstone = JSON.stringify(await store.keyv.get('t:slack_E1:slack-installation'));
    expect(tombstone).toContain('app_uninstalled');
    expect(tombstone).not.toContain('xoxb-e1');
    expect(await installations.markRemoved('slack_T404', 'app_uninstalled')).toBeUndefined();
  });

  it('changes a tenant’s roles under its lock, so concurrent grants all stay', async () => {
    const roles = new KeyvRolesRepository(records, new StoreLocker(records, { crossProcess: true }));
    const tenant = 'slack_TROLES';
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        roles.change(tenant, (r) => ({ ...r, procurement: [...r.procurement, { id: `U${i}` }] })),
      ),
    );
    expect((await roles.get(tenant)).procurement.map((p) => p.id).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `U${i}`),
    );
    expect((await roles.get('slack_TNONE')).guests).toBe('member');
  });

  it('removes a settings key patched to undefined (an installed-again tenant is active)', async () => {
    const settings = new KeyvSettingsRepository(records);
    await settings.update('slack_TSET', { digestHour: 8, inactive: { since: 'x', reason: 'app_uninstalled' } });
    await settings.update('slack_TSET', { inactive: undefined });
    expect(await settings.get('slack_TSET')).toEqual({ digestHour: 8 });
  });
});
