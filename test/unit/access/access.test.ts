import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../../src/core/access/roles.js';
import { ForbiddenError } from '../../../src/core/errors.js';
import { actorOf, memoryAccess } from '../../helpers/access.js';

const T = 'slack_T1';
const ANA = { id: 'UANA', name: 'ana' };
const BEN = { id: 'UBEN', name: 'ben' };
const OWNER = { id: 'UOWN', name: 'olu' };
const contract = { owner: OWNER, sro: { id: 'USRO', name: 'sam' } };

describe('who may do what', () => {
  it('gives members reading and triage, procurement the contract work, admins settings and roles', async () => {
    const { access, roles } = memoryAccess(['UADMINS']);
    await roles.change(T, (r) => ({ ...r, procurement: [BEN] }));
    const member = actorOf(ANA);
    const procurement = actorOf(BEN);
    const admin = actorOf({ id: 'UADMINS' });
    const allowed = async (who: typeof member) => {
      const out: string[] = [];
      for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
        if (
          await access.require(T, who, permission).then(
            () => true,
            () => false,
          )
        )
          out.push(permission);
      }
      return out;
    };
    expect(await allowed(member)).toEqual(['read', 'triage', 'scan']);
    expect(await allowed(procurement)).toEqual([
      'read',
      'triage',
      'register',
      'checklist',
      'award',
      'scan',
      'record',
      'snooze',
      'breach',
      'export',
      'publish',
    ]);
    expect(await allowed(admin)).toEqual(Object.keys(PERMISSIONS));
  });

  it('counts platform admins (Slack owners and admins) and the installer as admins', async () => {
    const { access } = memoryAccess();
    expect((await access.standing(T, actorOf(ANA, { admin: true }))).role).toBe('admin');
    await access.recordInstaller(T, BEN);
    expect((await access.standing(T, actorOf(BEN))).role).toBe('admin');
    // Per tenant: the installer of one workspace is nobody special in another.
    expect((await access.standing('slack_T2', actorOf(BEN))).role).toBe('member');
  });

  it('lets a contract’s owner and SRO record its results, and nothing else above members', async () => {
    const { access } = memoryAccess();
    await expect(access.require(T, actorOf(OWNER), 'record', { contract })).resolves.toBeUndefined();
    await expect(access.require(T, actorOf({ id: 'USRO' }), 'record', { contract })).resolves.toBeUndefined();
    await expect(access.require(T, actorOf(ANA), 'record', { contract })).rejects.toThrow(/owner or SRO/);
    await expect(access.require(T, actorOf(OWNER), 'snooze', { contract })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('keeps guests to members, whatever the lists say, and bars them on request', async () => {
    const { access, roles } = memoryAccess(['UGST']);
    const guest = actorOf({ id: 'UGST' }, { guest: true, admin: true });
    expect(await access.standing(T, guest)).toMatchObject({ role: 'member', guest: true, barred: false });
    await expect(access.require(T, guest, 'settings')).rejects.toThrow('Guests are members at most.');
    await expect(access.require(T, guest, 'triage')).resolves.toBeUndefined();
    await roles.change(T, (r) => ({ ...r, guests: 'barred' }));
    await expect(access.require(T, guest, 'triage')).rejects.toThrow('An admin has barred guests');
    await expect(access.require(T, actorOf(ANA), 'triage')).resolves.toBeUndefined();
  });

  it('asks the platform nothing for member actions unless guests are barred', async () => {
    const { access, roles } = memoryAccess();
    let asked = 0;
    const counted = {
      ...ANA,
      facts: async () => {
        asked++;
        return { admin: false, guest: false };
      },
    };
    await access.require(T, counted, 'triage');
    await access.require(T, counted, 'read');
    expect(asked).toBe(0);
    await roles.change(T, (r) => ({ ...r, guests: 'barred' }));
    await access.require(T, counted, 'triage');
    expect(asked).toBe(1);
  });

  it('fails closed when the platform cannot say who someone is', async () => {
    const { access } = memoryAccess(['UANA']);
    const unknown = { ...ANA, facts: async () => Promise.reject(new Error('users.info timed out')) };
    // Even someone named in ADMINS: the platform could not vouch that they are not a guest right now.
    await expect(access.require(T, unknown, 'settings')).rejects.toThrow('I could not check your role just now');
    await expect(access.require(T, unknown, 'triage')).resolves.toBeUndefined();
  });

  it('names who can do it in a refusal, and logs who tried', async () => {
    const { access, roles } = memoryAccess();
    await roles.change(T, (r) => ({
      ...r,
      admins: [{ id: 'UADA', name: 'Ada' }],
      procurement: [{ id: 'UPAM', name: 'Pam' }],
    }));
    const refused = await access.require(T, actorOf(ANA), 'register').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect((refused as ForbiddenError).message).toBe(
      'Registering a contract is for the procurement team or an admin. Procurement: Pam.',
    );
    expect((refused as ForbiddenError).details).toMatchObject({ tenant: T, user: 'UANA', permission: 'register' });
    const settings = await access.require(T, actorOf(ANA), 'settings').catch((e: ForbiddenError) => e.message);
    expect(settings).toBe('Changing the bot’s settings is for an admin. Admins: Ada.');
  });

  it('grants and revokes roles, and cannot remove what was never given', async () => {
    const { access } = memoryAccess(['UADMINS']);
    const admin = actorOf({ id: 'UADMINS', name: 'root' });
    await access.grant(T, admin, BEN, 'procurement');
    await access.grant(T, admin, BEN, 'procurement'); // twice is once
    expect((await access.standing(T, actorOf(BEN))).role).toBe('procurement');
    await expect(access.revoke(T, admin, ANA, 'admin')).rejects.toThrow('was not given the admin role here');
    await expect(access.revoke(T, admin, { id: 'UADMINS' }, 'admin')).rejects.toThrow('named in ADMINS');
    await access.revoke(T, admin, BEN, 'procurement');
    expect((await access.standing(T, actorOf(BEN))).role).toBe('member');
    await expect(access.grant(T, actorOf(BEN), ANA, 'admin')).rejects.toThrow('Changing roles is for an admin.');
  });
});
