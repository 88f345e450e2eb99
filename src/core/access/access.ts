import { BadInputError, ForbiddenError } from '../errors.js';
import { type History, recordIds } from '../history/recorder.js';
import type { Paragraph, UserRef, View } from '../view.js';
import {
  ACTION_PHRASE,
  type Actor,
  atLeast,
  type GrantableRole,
  PERMISSIONS,
  type Permission,
  type PlatformFacts,
  person,
  type Role,
  type RolesRepository,
  type TenantRoles,
} from './roles.js';
import { guestsView, rolesChangedView, rolesView } from './views.js';

export interface AccessDeps {
  roles: RolesRepository;
  /** ADMINS: people who are admins wherever they act (Slack user ids, Entra object ids). */
  admins: readonly string[];
  /** Every change of roles is an event there before it is saved. */
  history: History;
}

/** Where a person stands in a tenant. */
export interface Standing {
  role: Role;
  guest: boolean;
  /** A guest in a tenant that bars guests: nothing is open to them. */
  barred: boolean;
  /** The platform could not say who this is (timeout, outage): treated as a guest until it can. */
  unverified: boolean;
}

/**
 * Roles, checked in the core for both platforms. Every service method that changes or reveals a record asks
 * `require` first; a refusal changes nothing and says, to the person only, who can do it.
 */
export class AccessService {
  constructor(private readonly deps: AccessDeps) {}

  async standing(tenant: string, actor: Actor, roles?: TenantRoles): Promise<Standing> {
    const current = roles ?? (await this.deps.roles.get(tenant));
    const facts = await safeFacts(actor);
    const barred = facts.guest && current.guests === 'barred';
    if (facts.guest) return { role: 'member', guest: true, barred, unverified: facts.unverified };
    const listed = (people: UserRef[]) => people.some((p) => p.id === actor.id);
    const admin =
      facts.admin ||
      this.deps.admins.includes(actor.id) ||
      listed(current.admins) ||
      current.installer?.id === actor.id;
    const role: Role = admin ? 'admin' : listed(current.procurement) ? 'procurement' : 'member';
    return { role, guest: false, barred: false, unverified: false };
  }

  /**
   * The people to tell when something needs an admin (reminders that cannot be delivered): the installer, the
   * admins given the role here, and ADMINS. Slack's own workspace admins are not listed: Slack names them only on
   * request, person by person.
   */
  async adminsOf(tenant: string): Promise<UserRef[]> {
    const roles = await this.deps.roles.get(tenant);
    const people = [
      ...(roles.installer ? [roles.installer] : []),
      ...roles.admins,
      ...this.deps.admins.map((id) => ({ id })),
    ];
    const seen = new Set<string>();
    return people.filter((p) => !seen.has(p.id) && seen.add(p.id));
  }

  /** Everyone the tenant's roles name (with the names the platform gave): whose names a shared lesson must not carry. */
  async knownPeople(tenant: string): Promise<UserRef[]> {
    const roles = await this.deps.roles.get(tenant);
    return [...(roles.installer ? [roles.installer] : []), ...roles.admins, ...roles.procurement];
  }

  /**
   * Throws ForbiddenError unless `actor` may do `permission` in `tenant`. Member actions ask the platform nothing
   * unless guests are barred; anything more always does (a guest is a member at most, whatever the lists say).
   */
  async require(
    tenant: string,
    actor: Actor,
    permission: Permission,
    about: { contract?: { owner: UserRef; sro: UserRef } } = {},
  ): Promise<void> {
    const needed = PERMISSIONS[permission];
    const roles = await this.deps.roles.get(tenant);
    if (needed === 'member' && roles.guests !== 'barred') return;
    const standing = await this.standing(tenant, actor, roles);
    const ownContract =
      permission === 'record' && about.contract && [about.contract.owner.id, about.contract.sro.id].includes(actor.id);
    if (!standing.barred && (atLeast(standing.role, needed) || ownContract)) return;
    throw new ForbiddenError(refusal(permission, needed, standing, roles), {
      tenant,
      user: actor.id,
      permission,
      role: standing.role,
      guest: standing.guest,
    });
  }

  async list(tenant: string, actor: Actor): Promise<View> {
    await this.require(tenant, actor, 'read');
    return rolesView(await this.deps.roles.get(tenant));
  }

  async grant(tenant: string, actor: Actor, who: UserRef, role: GrantableRole): Promise<View> {
    await this.require(tenant, actor, 'roles');
    const target = person(who);
    await this.deps.history.record(tenant, recordIds.roles, actor, 'roles.granted', { who: target, role });
    await this.deps.roles.change(tenant, (roles) => {
      const key = role === 'admin' ? 'admins' : 'procurement';
      return { ...roles, [key]: [...roles[key].filter((p) => p.id !== target.id), target] };
    });
    return rolesChangedView('add', target, role, actor);
  }

  async revoke(tenant: string, actor: Actor, who: UserRef, role: GrantableRole): Promise<View> {
    await this.require(tenant, actor, 'roles');
    const roles = await this.deps.roles.get(tenant);
    const key = role === 'admin' ? 'admins' : 'procurement';
    if (!roles[key].some((p) => p.id === who.id)) {
      const why: Paragraph =
        role === 'admin' && (roles.installer?.id === who.id || this.deps.admins.includes(who.id))
          ? [' (they installed the app, or are named in ADMINS, so they stay an admin)']
          : [];
      throw new BadInputError(
        `${who.name ?? 'That person'} was not given the ${role} role here, so there is nothing to remove${why.join('')}.`,
      );
    }
    await this.deps.history.record(tenant, recordIds.roles, actor, 'roles.revoked', { who: person(who), role });
    await this.deps.roles.change(tenant, (current) => ({
      ...current,
      [key]: current[key].filter((p) => p.id !== who.id),
    }));
    return rolesChangedView('remove', person(who), role, actor);
  }

  async setGuests(tenant: string, actor: Actor, barred: boolean): Promise<View> {
    await this.require(tenant, actor, 'roles');
    await this.deps.history.record(tenant, recordIds.roles, actor, 'roles.guests', { barred });
    await this.deps.roles.change(tenant, (roles) => ({ ...roles, guests: barred ? 'barred' : 'member' }));
    return guestsView(barred, actor);
  }

  /** The person who installed the app becomes an admin (Slack OAuth, told by the installation). */
  async recordInstaller(tenant: string, installer: UserRef): Promise<void> {
    await this.deps.history.record(tenant, recordIds.roles, installer, 'roles.installed', {
      installer: person(installer),
    });
    await this.deps.roles.change(tenant, (roles) => ({ ...roles, installer: person(installer) }));
  }
}

async function safeFacts(actor: Actor): Promise<PlatformFacts & { unverified: boolean }> {
  try {
    return { ...(await actor.facts()), unverified: false };
  } catch {
    // Fail closed: a person the platform cannot vouch for right now is a guest.
    return { admin: false, guest: true, unverified: true };
  }
}

function refusal(permission: Permission, needed: Role, standing: Standing, roles: TenantRoles): string {
  if (standing.unverified) {
    return 'I could not check your role just now: the chat platform did not answer. Please try again in a minute.';
  }
  if (standing.barred) {
    return 'An admin has barred guests from using the bot here, so I cannot do that for you.';
  }
  const who =
    needed === 'admin'
      ? 'an admin'
      : permission === 'record'
        ? 'the procurement team, an admin, or the contract’s owner or SRO'
        : 'the procurement team or an admin';
  const guest = standing.guest ? ' Guests are members at most.' : '';
  const names = (people: UserRef[]) => people.map((p) => p.name ?? p.id).join(', ');
  const admins = [...(roles.installer ? [roles.installer] : []), ...roles.admins];
  const ask =
    needed === 'procurement' && roles.procurement.length > 0
      ? ` Procurement: ${names(roles.procurement)}.`
      : admins.length > 0
        ? ` Admins: ${names(admins)}.`
        : ' The workspace’s owners and admins are admins here, and can give roles with “roles add”.';
  return `${ACTION_PHRASE[permission]} is for ${who}.${guest}${ask}`;
}
