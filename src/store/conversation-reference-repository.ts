import { z } from 'zod';
import { type Records, shortId, tenantKey } from './records.js';

/**
 * Where the bot can post in Teams later, without being spoken to: a Bot Framework conversation reference per
 * conversation, refreshed on every activity (service URLs change). Kept in the store, never only in memory,
 * so summaries and reminders survive restarts and reach every replica.
 */
export const ConversationReferenceSchema = z.object({
  serviceUrl: z.string().url(),
  channelId: z.string(),
  conversation: z
    .object({
      id: z.string(),
      tenantId: z.string().optional(),
      conversationType: z.string().optional(),
      isGroup: z.boolean().optional(),
      name: z.string().optional(),
    })
    .passthrough(),
  bot: z.object({ id: z.string(), name: z.string().optional() }).passthrough(),
  user: z
    .object({ id: z.string(), name: z.string().optional(), aadObjectId: z.string().optional() })
    .passthrough()
    .optional(),
  locale: z.string().optional(),
  /** IANA zone of the last person heard from here (Teams sends `localTimezone`). */
  timezone: z.string().optional(),
  updatedAt: z.string(),
});
export type StoredConversationReference = z.infer<typeof ConversationReferenceSchema>;

export class KeyvConversationReferenceRepository {
  constructor(private readonly records: Records) {}

  get(tenant: string, conversationId: string): Promise<StoredConversationReference | undefined> {
    return this.records.get(key(tenant, conversationId), ConversationReferenceSchema);
  }

  async save(tenant: string, reference: StoredConversationReference): Promise<void> {
    await this.records.set(key(tenant, reference.conversation.id), ConversationReferenceSchema.parse(reference));
  }

  /** A person's personal chat with the bot, by their Entra object id: how the bot tells them something privately. */
  getPersonal(tenant: string, aadObjectId: string): Promise<StoredConversationReference | undefined> {
    return this.records.get(personalKey(tenant, aadObjectId), ConversationReferenceSchema);
  }

  async savePersonal(tenant: string, aadObjectId: string, reference: StoredConversationReference): Promise<void> {
    await this.records.set(personalKey(tenant, aadObjectId), ConversationReferenceSchema.parse(reference));
  }
}

function personalKey(tenant: string, aadObjectId: string): string {
  return tenantKey(tenant, 'convref-personal', shortId(aadObjectId.toLowerCase()));
}

function key(tenant: string, conversationId: string): string {
  return tenantKey(tenant, 'convref', shortId(conversationId));
}
