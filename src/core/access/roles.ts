import type { UserRef } from '../view.js';

/**
 * Who may do what, per tenant. Three roles: admins change settings and roles; procurement registers contracts,
 * records results, snoozes, logs breaches and exports; members start and answer triages and read. Guests are
 * members at most, and an admin can bar them altogether.
 */
export const ROLES = ['admin', 'procurement', 'member'] as const;
export type Role = (typeof ROLES)[number];
/** The roles a person is given; everyone else in the workspace or tenant is a member. */
export const GRANTABLE = ['admin', 'procurement'] as const;
export type GrantableRole = (typeof GRANTABLE)[number];

const RANK: Record<Role, number> = { member: 0, procurement: 1, admin: 2 };
export const atLeast = (role: Role, needed: Role) => RANK[role] >= RANK[needed];

/** What the platform says about a person, asked only when a decision needs it. */
export interface PlatformFacts {
  /** Slack workspace owner or admin (users.info); Teams has no such flag for bots. */
  admin: boolean;
  /** Slack multi- or single-channel guest; a Teams guest or anonymous user. */
  guest: boolean;
}

/**
 * The person acting, as the platform authenticated them. `facts` asks the platform (cached by the channel); it is
 * never stored: records keep `person(actor)`.
 */
export interface Actor extends UserRef {
  facts(): Promise<PlatformFacts>;
}

/** The stored form of a person: id and display name only. */
export function person(user: UserRef): UserRef {
  return user.name ? { id: user.id, name: user.name } : { id: user.id };
}

export interface TenantRoles {
  admins: UserRef[];
  procurement: UserRef[];
  /** 'barred': guests may not use the bot at all in this tenant. */
  guests: 'member' | 'barred';
  /** Whoever installed the app (Slack OAuth): an admin. */
  installer?: UserRef;
}

export const NO_ROLES: TenantRoles = { admins: [], procurement: [], guests: 'member' };

export interface RolesRepository {
  get(tenant: string): Promise<TenantRoles>;
  /** Reads, changes and writes the tenant's roles under its lock, so two admins' changes never lose each other. */
  change(tenant: string, change: (roles: TenantRoles) => TenantRoles): Promise<TenantRoles>;
}

/** What each action needs. `record` is also open to the contract's owner and SRO. */
export const PERMISSIONS = {
  read: 'member',
  triage: 'member',
  register: 'procurement',
  checklist: 'procurement',
  award: 'procurement',
  scan: 'member',
  record: 'procurement',
  snooze: 'procurement',
  breach: 'procurement',
  export: 'procurement',
  publish: 'procurement',
  share: 'admin',
  settings: 'admin',
  roles: 'admin',
  audit: 'admin',
  delete: 'admin',
} as const satisfies Record<string, Role>;
export type Permission = keyof typeof PERMISSIONS;

/** How a refusal names the action. */
export const ACTION_PHRASE: Record<Permission, string> = {
  read: 'Reading the bot’s records',
  triage: 'Starting or answering a triage',
  register: 'Registering a contract',
  checklist: 'Starting a checklist',
  award: 'Setting a procurement ready for award',
  scan: 'Running a consequence scan',
  record: 'Recording a result',
  snooze: 'Snoozing a reminder',
  breach: 'Logging a breach',
  export: 'Exporting a contract',
  publish: 'Drafting a transparency record',
  share: 'Sharing a lesson outside the organisation',
  settings: 'Changing the bot’s settings',
  roles: 'Changing roles',
  audit: 'Exporting records and their whole history',
  delete: 'Deleting records',
};

export const ROLE_LABEL: Record<Role, string> = { admin: 'admin', procurement: 'procurement', member: 'member' };
