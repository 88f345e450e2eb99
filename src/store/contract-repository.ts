import { z } from 'zod';
import { type Contract, ContractSchema } from '../core/contracts/contract.js';
import type { ContractRepository } from '../core/contracts/ports.js';
import type { Locker } from '../core/ports.js';
import { type Records, shortId, tenantKey } from './records.js';

const IdsSchema = z.array(z.string());
const OwnerSchema = z.object({ tenant: z.string() });

/**
 * Contracts, with two id lists per tenant (all contracts, and those reminding each channel) so a digest reads only
 * its channel's contracts, and a global id → tenant entry for `npm run ocds`, which is given only an id.
 */
export class KeyvContractRepository implements ContractRepository {
  constructor(
    private readonly records: Records,
    private readonly locker: Locker,
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

  private async load(tenant: string, indexKey: string): Promise<Contract[]> {
    const ids = (await this.records.get(indexKey, IdsSchema)) ?? [];
    const contracts = await this.records.getMany(
      ids.map((id) => tenantKey(tenant, 'contract', id)),
      ContractSchema,
    );
    return contracts.filter((contract): contract is Contract => contract !== undefined);
  }

  private async addId(indexKey: string, id: string): Promise<void> {
    await this.locker.withLock(indexKey, async () => {
      const ids = (await this.records.get(indexKey, IdsSchema)) ?? [];
      if (!ids.includes(id)) await this.records.set(indexKey, [...ids, id]);
    });
  }
}

function channelKey(tenant: string, channel: string): string {
  return tenantKey(tenant, 'contracts-in', shortId(channel));
}
