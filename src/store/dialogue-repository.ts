import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { DialogueRepository } from '../core/ports.js';
import { type Dialogue, DialogueSchema, type MessageRef } from '../core/triage/dialogue.js';
import { type Records, tenantKey } from './records.js';

const RootLinkSchema = z.object({ dialogueId: z.string() });

export class KeyvDialogueRepository implements DialogueRepository {
  constructor(private readonly records: Records) {}

  get(tenant: string, id: string): Promise<Dialogue | undefined> {
    return this.records.get(tenantKey(tenant, 'dialogue', id), DialogueSchema);
  }

  async save(dialogue: Dialogue): Promise<void> {
    await this.records.set(tenantKey(dialogue.tenant, 'dialogue', dialogue.id), DialogueSchema.parse(dialogue));
  }

  async findByRoot(tenant: string, root: MessageRef): Promise<string | undefined> {
    const link = await this.records.get(rootKey(tenant, root), RootLinkSchema);
    return link?.dialogueId;
  }

  async linkRoot(tenant: string, root: MessageRef, dialogueId: string): Promise<void> {
    await this.records.set(rootKey(tenant, root), { dialogueId });
  }
}

/** Teams conversation ids are long; a digest keeps keys inside PostgreSQL's 255-character key column. */
function rootKey(tenant: string, root: MessageRef): string {
  return tenantKey(tenant, 'root', shortId(`${root.channel}/${root.id}`));
}

export function shortId(text: string): string {
  return text.length <= 80 ? text : createHash('sha256').update(text).digest('base64url');
}
