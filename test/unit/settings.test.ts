import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../src/core/errors.js';
import { SettingsService } from '../../src/core/settings.js';
import { actorOf, memoryAccess } from '../helpers/access.js';
import { memoryHistory } from '../helpers/history.js';
import { RecordingSurface } from '../helpers/recording-surface.js';
import { FixedClock, MemorySettings } from './contracts/helpers.js';

const TENANT = 'slack_T1';
const ADMIN = { id: 'U1', name: 'ana' };
const MEMBER = { id: 'U2', name: 'ben' };

describe('setting the procurement channel', () => {
  const setup = (refuse?: (channel: string) => boolean) => {
    const settings = new MemorySettings();
    const { access } = memoryAccess([ADMIN.id]);
    const surface = new RecordingSurface(refuse);
    const clock = new FixedClock(new Date(0));
    const service = new SettingsService({ settings, access, clock, history: memoryHistory(clock).history });
    const set = (channel: string, by = ADMIN, timeZone?: string) =>
      service.setProcurementChannel({ tenant: TENANT, by: actorOf(by), channel, timeZone, surface, platform: 'slack' });
    return { settings, service, surface, set };
  };

  it('adopts the configuring person’s zone the first time', async () => {
    const { settings, set } = setup();
    await set('CPROC', ADMIN, 'America/New_York');
    expect(await settings.get(TENANT)).toMatchObject({ procurementChannel: 'CPROC', timeZone: 'America/New_York' });
  });

  it('ignores a zone Intl rejects, so the tenant keeps the default rather than a zone that breaks its digests', async () => {
    const { settings, set } = setup();
    await set('CPROC', ADMIN, 'Mars/Olympus_Mons');
    const stored = await settings.get(TENANT);
    expect(stored.procurementChannel).toBe('CPROC');
    expect(stored.timeZone).toBeUndefined();
  });

  it('announces a change in the new channel and in the old one', async () => {
    const { set, surface } = setup();
    await set('COLD');
    surface.posts.length = 0;
    await set('CNEW');
    expect(surface.posts.map((p) => p.channel)).toEqual(['CNEW', 'COLD']);
    expect(surface.posts[0]!.text).toContain('until now they went to COLD');
    expect(surface.posts[1]!.text).toContain('now go to CNEW instead of this channel');
  });

  it('saves nothing when the bot cannot post in the new channel', async () => {
    const { settings, set } = setup((channel) => channel === 'CPRIVATE');
    await set('COLD');
    await expect(set('CPRIVATE')).rejects.toThrow(/not_in_channel/);
    expect((await settings.get(TENANT)).procurementChannel).toBe('COLD');
  });

  it('refuses a member, changes nothing and posts nothing', async () => {
    const { settings, set, surface } = setup();
    await set('COLD');
    surface.posts.length = 0;
    await expect(set('CMINE', MEMBER)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await settings.get(TENANT)).procurementChannel).toBe('COLD');
    expect(surface.posts).toEqual([]);
  });
});
