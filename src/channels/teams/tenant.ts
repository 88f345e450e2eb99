import type { Activity } from 'botbuilder';
import { tenantOf } from './gate.js';

/**
 * The Microsoft Entra tenant of an activity the gate let in (Teams' own channelData and conversation, which agree);
 * every stored key of a Teams conversation lives under it. Proactive turns carry the stored reference's tenant.
 */
export function teamsTenant(activity: Partial<Activity>): string {
  const id = tenantOf(activity as Record<string, unknown>);
  if (!id) throw new Error('Teams activity without a tenant');
  return `teams_${id}`;
}

/** A channel thread's conversation id is `<channel id>;messageid=<root id>`; the channel itself is the part before. */
export function splitThread(conversationId: string): { channel: string; rootId?: string } {
  const [channel = conversationId, rootId] = conversationId.split(';messageid=');
  return { channel, rootId };
}
