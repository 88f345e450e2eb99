import { AccessService } from '../../src/core/access/access.js';
import {
  type Actor,
  NO_ROLES,
  type PlatformFacts,
  type RolesRepository,
  type TenantRoles,
} from '../../src/core/access/roles.js';
import type { UserRef } from '../../src/core/view.js';
import { memoryHistory } from './history.js';

/** A person acting, with what their platform says of them (an ordinary member unless told otherwise). */
export function actorOf(user: UserRef, facts: Partial<PlatformFacts> = {}): Actor {
  return { ...user, facts: async () => ({ admin: false, guest: false, ...facts }) };
}

export class MemoryRoles implements RolesRepository {
  private readonly byTenant = new Map<string, TenantRoles>();

  async get(tenant: string): Promise<TenantRoles> {
    return this.byTenant.get(tenant) ?? NO_ROLES;
  }

  async change(tenant: string, change: (roles: TenantRoles) => TenantRoles): Promise<TenantRoles> {
    const next = change(await this.get(tenant));
    this.byTenant.set(tenant, next);
    return next;
  }
}

/** Roles for unit tests of the services: `admins` are admins everywhere (as ADMINS would make them). */
export function memoryAccess(admins: string[] = []): { access: AccessService; roles: MemoryRoles } {
  const roles = new MemoryRoles();
  return { access: new AccessService({ roles, admins, history: memoryHistory().history }), roles };
}
