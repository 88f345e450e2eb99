import type { Procurement } from './procurement.js';

export type { Clock, DialogueRepository, Locker, PackRepository, SettingsRepository } from '../ports.js';

/** Procurements by tenant, by the triage they came from, and by their thread. Reads are validated. */
export interface ProcurementRepository {
  get(tenant: string, id: string): Promise<Procurement | undefined>;
  byDialogue(tenant: string, dialogueId: string): Promise<Procurement | undefined>;
  /** The procurement whose triage ran in the thread `rootId` of `channel`. */
  byThread(tenant: string, channel: string, rootId: string): Promise<Procurement | undefined>;
  save(procurement: Procurement): Promise<void>;
  listByTenant(tenant: string): Promise<Procurement[]>;
  /** Those whose digest items go to `channel`. */
  listByChannel(tenant: string, channel: string): Promise<Procurement[]>;
  remove(procurement: Pick<Procurement, 'tenant' | 'id' | 'channel' | 'dialogueId' | 'thread'>): Promise<void>;
}
