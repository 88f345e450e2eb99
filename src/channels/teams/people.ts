import type { TurnContext } from 'botbuilder';
import type { Actor, PlatformFacts } from '../../core/access/roles.js';

/** The slice of botframework-connector's ConnectorClient this uses (it lives in the turn's state). */
export interface MemberLookup {
  conversations: {
    getConversationMember(conversationId: string, memberId: string): Promise<Record<string, unknown>>;
  };
}

export interface TeamsMember {
  id: string;
  name?: string;
  aadObjectId?: string;
  userRole?: string;
  tenantId?: string;
}

const TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;

/**
 * What Teams says about a person (GET …/members/{id}): their name, Entra object id and role, asked only when a
 * decision needs it and kept a few minutes. Guests and anonymous meeting users are guests here, as is anyone whose
 * account lives in another tenant. The connector client is taken from the turn when it starts, so a lookup still
 * works after Teams has had its answer and the turn has closed.
 */
export class TeamsPeople {
  private readonly cache = new Map<string, { at: number; member: Promise<TeamsMember> }>();

  constructor(private readonly now: () => number = Date.now) {}

  member(connector: MemberLookup, tenant: string, where: string, userId: string): Promise<TeamsMember> {
    const key = `${tenant}/${userId}`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < TTL_MS) return hit.member;
    const member = connector.conversations.getConversationMember(where, userId).then((raw) => ({
      id: typeof raw.id === 'string' ? raw.id : userId,
      name: typeof raw.name === 'string' ? raw.name.slice(0, 200) : undefined,
      // Teams answers `objectId`; botbuilder's type says `aadObjectId`.
      aadObjectId: [raw.aadObjectId, raw.objectId].find((v): v is string => typeof v === 'string'),
      userRole: typeof raw.userRole === 'string' ? raw.userRole : undefined,
      tenantId: typeof raw.tenantId === 'string' ? raw.tenantId : undefined,
    }));
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { at: this.now(), member });
    member.catch(() => {
      if (this.cache.get(key)?.member === member) this.cache.delete(key);
    });
    return member;
  }

  /** The person acting in a turn: the Entra object id where Teams gives one, their facts asked only if needed. */
  actor(ctx: TurnContext, connectorKey: symbol, tenant: string): Actor {
    const { from, conversation, channelData } = ctx.activity;
    const connector = ctx.turnState.get<MemberLookup | undefined>(connectorKey);
    // Members of a team are looked up in the team; elsewhere in the conversation.
    const team = (channelData as { team?: { id?: unknown } } | undefined)?.team?.id;
    const where = typeof team === 'string' ? team : conversation.id;
    const tenantId = tenant.replace(/^teams_/, '');
    return {
      id: from.aadObjectId ?? from.id,
      ...(from.name ? { name: from.name.slice(0, 200) } : {}),
      facts: async (): Promise<PlatformFacts> => {
        if (!connector) throw new Error('no connector client in this turn');
        const member = await this.member(connector, tenant, where, from.id);
        const foreign = member.tenantId !== undefined && member.tenantId.toLowerCase() !== tenantId;
        const role = member.userRole?.toLowerCase();
        return { admin: false, guest: foreign || role === 'guest' || role === 'anonymous' };
      },
    };
  }
}
