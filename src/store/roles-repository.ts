import { z } from 'zod';
import { NO_ROLES, type RolesRepository, type TenantRoles } from '../core/access/roles.js';
import type { Locker } from '../core/ports.js';
import { UserRefSchema } from '../core/triage/dialogue.js';
import { type Records, tenantKey } from './records.js';

const RolesSchema = z
  .object({
    admins: z.array(UserRefSchema).max(500),
    procurement: z.array(UserRefSchema).max(500),
    guests: z.enum(['member', 'barred']),
    installer: UserRefSchema.optional(),
  })
  .strict();

/** A tenant's roles: one small record, changed under its lock. */
export class KeyvRolesRepository implements RolesRepository {
  constructor(
    private readonly records: Records,
    private readonly locker: Locker,
  ) {}

  async get(tenant: string): Promise<TenantRoles> {
    return (await this.records.get(key(tenant), RolesSchema)) ?? NO_ROLES;
  }

  change(tenant: string, change: (roles: TenantRoles) => TenantRoles): Promise<TenantRoles> {
    return this.locker.withLock(key(tenant), async () => {
      const next = RolesSchema.parse(change(await this.get(tenant)));
      await this.records.set(key(tenant), next);
      return next;
    });
  }
}

function key(tenant: string): string {
  return tenantKey(tenant, 'roles');
}
