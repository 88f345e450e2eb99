import { z } from 'zod';
import type { ProcurementRepository } from '../core/procurement/ports.js';
import { type Procurement, ProcurementSchema } from '../core/procurement/procurement.js';
import { loadPaged, type Records, shortId, tenantKey } from './records.js';
import { allMembers } from './sets.js';

const PointerSchema = z.object({ id: z.string() });

/**
 * Procurements, with the tenant's id set, the set per procurement channel (its digest reads only those), and two
 * pointers: from the triage it came from, and from its thread (where replies add consequences to an open scan).
 */
export class KeyvProcurementRepository implements ProcurementRepository {
  constructor(
    private readonly records: Records,
    /** Called per new procurement (the composition root registers its channel for digests). */
    private readonly onNew: (procurement: Procurement) => Promise<void> = async () => undefined,
  ) {}

  get(tenant: string, id: string): Promise<Procurement | undefined> {
    return this.records.get(tenantKey(tenant, 'proc', id), ProcurementSchema);
  }

  async byDialogue(tenant: string, dialogueId: string): Promise<Procurement | undefined> {
    const pointer = await this.records.get(tenantKey(tenant, 'proc-of', dialogueId), PointerSchema);
    return pointer ? this.get(tenant, pointer.id) : undefined;
  }

  async byThread(tenant: string, channel: string, rootId: string): Promise<Procurement | undefined> {
    const pointer = await this.records.get(threadKey(tenant, channel, rootId), PointerSchema);
    return pointer ? this.get(tenant, pointer.id) : undefined;
  }

  /** Indexes first and the record last, as contracts do: a failed first save is redone whole by a retry. */
  async save(p: Procurement): Promise<void> {
    // Checked on the way in too: a record its own schema would refuse on read must never reach the store.
    ProcurementSchema.parse(p);
    if ((await this.get(p.tenant, p.id)) === undefined) {
      await this.records.sets.add(tenantKey(p.tenant, 'procs'), [{ member: p.id, score: 0 }]);
      await this.records.sets.add(channelKey(p.tenant, p.channel), [{ member: p.id, score: 0 }]);
      await this.records.set(tenantKey(p.tenant, 'proc-of', p.dialogueId), { id: p.id });
      await this.records.set(threadKey(p.tenant, p.thread.channel, p.thread.id), { id: p.id });
      await this.records.set(`sys:proc:${p.id}`, { tenant: p.tenant });
      await this.onNew(p);
    }
    await this.records.set(tenantKey(p.tenant, 'proc', p.id), p);
  }

  /** The tenant a procurement id belongs to (for `npm run publish`, which is given only an id). */
  async tenantOf(id: string): Promise<string | undefined> {
    return (await this.records.get(`sys:proc:${id}`, z.object({ tenant: z.string() })))?.tenant;
  }

  listByTenant(tenant: string): Promise<Procurement[]> {
    return this.load(tenant, tenantKey(tenant, 'procs'));
  }

  listByChannel(tenant: string, channel: string): Promise<Procurement[]> {
    return this.load(tenant, channelKey(tenant, channel));
  }

  async remove(p: Pick<Procurement, 'tenant' | 'id' | 'channel' | 'dialogueId' | 'thread'>): Promise<void> {
    await this.records.delete(tenantKey(p.tenant, 'proc', p.id));
    await this.records.sets.remove(tenantKey(p.tenant, 'procs'), [p.id]);
    await this.records.sets.remove(channelKey(p.tenant, p.channel), [p.id]);
    await this.records.delete(tenantKey(p.tenant, 'proc-of', p.dialogueId));
    await this.records.delete(threadKey(p.tenant, p.thread.channel, p.thread.id));
    await this.records.delete(`sys:proc:${p.id}`);
  }

  private async load(tenant: string, indexKey: string): Promise<Procurement[]> {
    const ids = await allMembers(this.records.sets, indexKey);
    return loadPaged(this.records, ids, (id) => tenantKey(tenant, 'proc', id), ProcurementSchema);
  }
}

const channelKey = (tenant: string, channel: string) => tenantKey(tenant, 'procs-in', shortId(channel));
const threadKey = (tenant: string, channel: string, rootId: string) =>
  tenantKey(tenant, 'proc-thread', shortId(`${channel}/${rootId}`));
