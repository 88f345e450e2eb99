import type { Actor } from '../access/roles.js';
import type { ConversationSurface } from '../ports.js';
import type { Contract } from './contract.js';

/** What the contract service needs besides the core's shared ports (Locker, Clock, settings, packs, dialogues). */
export type { Clock, DialogueRepository, Locker, PackRepository, SettingsRepository } from '../ports.js';

/** Contracts by tenant. Every record read back is validated with `ContractSchema`. */
export interface ContractRepository {
  get(tenant: string, id: string): Promise<Contract | undefined>;
  /** Creates or replaces the record (`tenant` + `id`). */
  save(contract: Contract): Promise<void>;
  listByTenant(tenant: string): Promise<Contract[]>;
  /** The contracts whose reminders go to `channel`, for that channel's daily digest. */
  listByChannel(tenant: string, channel: string): Promise<Contract[]>;
  /** The record, then its index entries. */
  remove(contract: Pick<Contract, 'tenant' | 'id' | 'channel'>): Promise<void>;
}

/**
 * Where the triage's procurement stands before its contract is registered: ready for award, or why not; the KPIs
 * its consequence scans propose; and the award itself, once the contract is saved. The procurement service
 * implements it, so contracts never reach into the checklist.
 */
export interface AwardGate {
  readiness(tenant: string, dialogueId: string): Promise<{ ready: true } | { ready: false; why: string }>;
  proposals(tenant: string, dialogueId: string): Promise<{ id: string; title: string }[]>;
  awarded(input: {
    tenant: string;
    dialogueId: string;
    contractId: string;
    term: { start: string; end: string };
    by: Actor;
    early?: string;
  }): Promise<void>;
  /** The thread's checklist and the channel's summary, redrawn after the award (no lock held). */
  refresh(tenant: string, dialogueId: string, surface: ConversationSurface): Promise<void>;
}
