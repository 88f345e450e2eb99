import type { DialogueRepository } from '../core/ports.js';
import { type Dialogue, DialogueSchema } from '../core/triage/dialogue.js';
import { type Records, tenantKey } from './records.js';

export class KeyvDialogueRepository implements DialogueRepository {
  constructor(private readonly records: Records) {}

  get(tenant: string, id: string): Promise<Dialogue | undefined> {
    return this.records.get(tenantKey(tenant, 'dialogue', id), DialogueSchema);
  }

  /** Typed on the way in, validated on the way out (every read). */
  async save(dialogue: Dialogue): Promise<void> {
    await this.records.set(tenantKey(dialogue.tenant, 'dialogue', dialogue.id), dialogue);
  }

  async remove(tenant: string, id: string): Promise<void> {
    await this.records.delete(tenantKey(tenant, 'dialogue', id));
  }
}
