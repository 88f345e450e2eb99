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
