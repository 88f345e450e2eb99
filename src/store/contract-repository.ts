import { z } from 'zod';
import { type Contract, ContractSchema } from '../core/contracts/contract.js';
import type { ContractRepository } from '../core/contracts/ports.js';
import { loadPaged, type Records, shortId, tenantKey } from './records.js';
import { allMembers } from './sets.js';

const IdsSchema = z.array(z.string());
const OwnerSchema = z.object({ tenant: z.string() });

/**
 * Contracts, with two id sets per tenant (all contracts, and those reminding each channel) so a digest reads only
 * its channel's contracts, and a global id → tenant entry for `npm run ocds`, which is given only an id. The sets
 * are the store's sorted sets: registering a contract adds one member, whatever the number already there.
 */
export class KeyvContractRepository implements ContractRepository {
  constructor(
    private readonly records: Records,
    /** Called per new contract, again if its save is retried (the composition root registers its channel for digests). */
    private readonly onNew: (contract: Contract) => Promise<void> = async () => undefined,
  ) {}

  get(tenant: string, id: string): Promise<Contract | undefined> {
    return this.records.get(tenantKey(tenant, 'contract', id), ContractSchema);
  }

  /**
   * The record goes last: a contract is "new" until it exists, so if an index write fails a resubmit redoes them
   * all (each is idempotent) rather than finding the record and leaving the channel without its digests. Until
   * then the listings skip the id, whose record is missing.
   */
  async save(contract: Contract): Promise<void> {
    const isNew = (await this.get(contract.tenant, contract.id)) === undefined;
    if (isNew) {
      await this.addId(tenantKey(contract.tenant, 'contracts'), contract.id);
      await this.addId(channelKey(contract.tenant, contract.channel), contract.id);
      await this.records.set(`sys:contract:${contract.id}`, { tenant: contract.tenant });
      await this.onNew(contract);
    }
    await this.records.set(tenantKey(contract.tenant, 'contract', contract.id), contract);
  }

  async listByTenant(tenant: string): Promise<Contract[]> {
    return this.load(tenant, tenantKey(tenant, 'contracts'));
  }

  async listByChannel(tenant: string, channel: string): Promise<Contract[]> {
    return this.load(tenant, channelKey(tenant, channel));
  }

  /** The tenant a contract id belongs to (ids are unique across tenants). */
  async tenantOf(id: string): Promise<string | undefined> {
    return (await this.records.get(`sys:contract:${id}`, OwnerSchema))?.tenant;
  }

  /** Forgets a deleted contract: the record first, then its index entries (a crash leaves only skipped ids). */
  async remove(contract: Pick<Contract, 'tenant' | 'id' | 'channel'>): Promise<void> {
    await this.records.delete(tenantKey(contract.tenant, 'contract', contract.id));
    await this.records.sets.remove(tenantKey(contract.tenant, 'contracts'), [contract.id]);
    await this.records.sets.remove(channelKey(contract.tenant, contract.channel), [contract.id]);
    await this.records.delete(`sys:contract:${contract.id}`);
  }

  private async load(tenant: string, indexKey: string): Promise<Contract[]> {
    await this.adoptLegacyList(indexKey);
    const ids = await allMembers(this.records.sets, indexKey);
    return loadPaged(this.records, ids, (id) => tenantKey(tenant, 'contract', id), ContractSchema);
  }

  private async addId(indexKey: string, id: string): Promise<void> {
    await this.records.sets.add(indexKey, [{ member: id, score: 0 }]);
  }

  /** Stores written before the sets kept each index as one JSON list under the same key: move it across once. */
  private async adoptLegacyList(indexKey: string): Promise<void> {
    if (this.adopted.has(indexKey)) return;
    const legacy = await this.records.get(indexKey, IdsSchema);
    if (legacy?.length)
      await this.records.sets.add(
        indexKey,
        legacy.map((member) => ({ member, score: 0 })),
      );
    if (legacy) await this.records.delete(indexKey);
    if (this.adopted.size > ADOPTED_MAX) this.adopted.clear();
    this.adopted.add(indexKey);
  }

  private readonly adopted = new Set<string>();
}

const ADOPTED_MAX = 10_000;

function channelKey(tenant: string, channel: string): string {
  return tenantKey(tenant, 'contracts-in', shortId(channel));
}
