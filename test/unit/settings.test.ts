import { describe, expect, it } from 'vitest';
import { SettingsService } from '../../src/core/settings.js';
import { FixedClock, MemorySettings } from './contracts/helpers.js';

const TENANT = 'slack_T1';
const ADMIN = { id: 'U1', name: 'ana' };

describe('setting the procurement channel', () => {
  const setup = () => {
    const settings = new MemorySettings();
    return { settings, service: new SettingsService({ settings, clock: new FixedClock(new Date(0)) }) };
  };

  it('adopts the configuring person’s zone the first time', async () => {
    const { settings, service } = setup();
    await service.setProcurementChannel(TENANT, 'CPROC', ADMIN, 'America/New_York');
    expect(await settings.get(TENANT)).toMatchObject({ procurementChannel: 'CPROC', timeZone: 'America/New_York' });
  });

  it('ignores a zone Intl rejects, so the tenant keeps the default rather than a zone that breaks its digests', async () => {
    const { settings, service } = setup();
    await service.setProcurementChannel(TENANT, 'CPROC', ADMIN, 'Mars/Olympus_Mons');
    const stored = await settings.get(TENANT);
    expect(stored.procurementChannel).toBe('CPROC');
    expect(stored.timeZone).toBeUndefined();
  });
});
