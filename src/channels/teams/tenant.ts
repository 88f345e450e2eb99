import type { Activity } from 'botbuilder';

/** The Microsoft Entra tenant of an activity; every stored key of a Teams conversation lives under it. */
export function teamsTenant(activity: Partial<Activity>): string {
  const channelData = activity.channelData as { tenant?: { id?: string } } | undefined;
  const id = activity.conversation?.tenantId ?? channelData?.tenant?.id;
  return `teams_${id ?? 'unknown'}`;
}

/** A channel thread's conversation id is `<channel id>;messageid=<root id>`; the channel itself is the part before. */
export function splitThread(conversationId: string): { channel: string; rootId?: string } {
  const [channel = conversationId, rootId] = conversationId.split(';messageid=');
  return { channel, rootId };
}
