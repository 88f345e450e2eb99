import type { TurnContext } from 'botbuilder';
import type { Actor, PlatformFacts } from '../../core/access/roles.js';
import { LookupCache } from '../lookup-cache.js';

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

/**
 * What Teams says about a person (GET …/members/{id}): their name, Entra object id and role, asked only when a
 * decision needs it, and kept a few minutes. Guests and anonymous meeting users are guests here, as is anyone whose
 * account lives in another tenant. The connector client is taken from the turn when it starts, so a lookup still
 * works after Teams has had its answer and the turn has closed.
 */
export class TeamsPeople {
  private readonly cache = new LookupCache<TeamsMember>();

  member(connector: MemberLookup, tenant: string, where: string, userId: string): Promise<TeamsMember> {
    return this.cache.get(`${tenant}/${userId}`, () =>
      connector.conversations.getConversationMember(where, userId).then((raw) => ({
        id: typeof raw.id === 'string' ? raw.id : userId,
        name: typeof raw.name === 'string' ? raw.name.slice(0, 200) : undefined,
        // Teams answers `objectId`; botbuilder's type says `aadObjectId`.
        aadObjectId: [raw.aadObjectId, raw.objectId].find((v): v is string => typeof v === 'string'),
        userRole: typeof raw.userRole === 'string' ? raw.userRole : undefined,
        tenantId: typeof raw.tenantId === 'string' ? raw.tenantId : undefined,
      })),
    );
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
