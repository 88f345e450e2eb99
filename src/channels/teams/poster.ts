import type { ConversationReference } from 'botbuilder';
import type { MessageRef } from '../../core/triage/dialogue.js';
import type { View } from '../../core/view.js';
import type { ChannelPoster, DigestTarget } from '../../scheduler/types.js';
import type { Pacer } from '../../store/pacer.js';
import { TeamsSurface, type TeamsSurfaceDeps } from './surface.js';

/**
 * Scheduled posts to Teams channels and chats, through the conversation reference stored when the bot last heard
 * from them; dates on the cards follow that conversation's time zone. The Bot Connector has no history to consult,
 * so a crash between posting and recording can repeat a digest once (never lose it).
 */
export class TeamsPoster implements ChannelPoster {
  constructor(private readonly deps: TeamsSurfaceDeps & { pacer: Pacer }) {}

  async post(target: DigestTarget, view: View): Promise<MessageRef> {
    const stored = await this.deps.references.get(target.tenant, target.channel);
    if (!stored) throw new Error(`no conversation reference for ${target.channel}: the bot has not heard from it`);
    await this.deps.pacer.waitTurn(target.tenant, target.channel);
    const surface = new TeamsSurface(this.deps, target.tenant, stored as Partial<ConversationReference>, undefined, {
      timeZone: stored.timezone,
      locale: stored.locale,
    });
    return surface.postThrough(target.channel, stored, view);
  }
}
