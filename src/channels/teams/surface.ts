import {
  type Activity,
  ActivityTypes,
  CardFactory,
  type CloudAdapter,
  type ConversationParameters,
  type ConversationReference,
  MessageFactory,
  type TurnContext,
} from 'botbuilder';
import { DomainError } from '../../core/errors.js';
import type { ConversationSurface } from '../../core/ports.js';
import type { MessageRef } from '../../core/triage/dialogue.js';
import { escapeMarkdown } from '../../core/triage/report-markdown.js';
import type { UserRef, View } from '../../core/view.js';
import type { Downloads } from '../../http/downloads.js';
import type { Logger } from '../../log.js';
import type {
  KeyvConversationReferenceRepository,
  StoredConversationReference,
} from '../../store/conversation-reference-repository.js';
import type { InvokeReply } from './invoke-reply.js';
import { type CardOptions, plain, renderCard } from './render/cards.js';
import { type ServiceUrlPolicy, serviceUrlAllowed } from './service-urls.js';
import { splitThread } from './tenant.js';

/** The slice of botframework-connector's ConnectorClient this uses (it lives in the proactive turn's state). */
interface ConnectorConversations {
  conversations: {
    createConversation(parameters: ConversationParameters): Promise<{ id: string; activityId: string }>;
  };
}

/** Teams messages stop at about 28 KB. */
const MESSAGE_MAX = 24_000;

export interface TeamsSurfaceDeps {
  adapter: CloudAdapter;
  botAppId: string;
  references: KeyvConversationReferenceRepository;
  /** Offers long files by link (Teams takes no bot uploads in channels). */
  downloads?: Downloads;
  /** Where the bot's token may go: checked before every proactive turn. */
  serviceUrls: ServiceUrlPolicy;
  /** Hears of every refused service URL: a stored reference that names one has been tampered with. */
  logger?: Logger;
  /**
   * How long a proactive turn may wait for the Bot Connector. botbuilder offers no per-request timeout (its connector
   * factory replaces any request policy given), so the turn stops waiting, and so frees its caller and any lock.
   */
  timeoutMs?: number;
}

/**
 * The core's conversation port over the Bot Connector. Every send is proactive (`continueConversationAsync` from
 * the conversation reference), so work can go on after Teams has had its answer, and the same code posts to a
 * thread, to another channel, or from the scheduler.
 */
export class TeamsSurface implements ConversationSurface {
  constructor(
    private readonly deps: TeamsSurfaceDeps,
    private readonly tenant: string,
    /** The reference of the activity being handled: service URL, bot, tenant, conversation. */
    private readonly origin: Partial<ConversationReference>,
    private readonly invoke?: InvokeReply,
    private readonly cardOptions: CardOptions = {},
  ) {}

  async postRoot(channel: string, view: View): Promise<MessageRef> {
    return { channel, id: await this.send(channel, this.cardActivity(view)) };
  }

  async postInThread(root: MessageRef, view: View): Promise<MessageRef> {
    return { channel: root.channel, id: await this.send(root.channel, this.cardActivity(view)) };
  }

  async update(ref: MessageRef, view: View): Promise<void> {
    const activity = this.cardActivity(view);
    // The clicker sees the card in the invoke answer; everyone else through the update below.
    if (this.invoke?.pending && ref.id === this.invoke.replyToId) this.invoke.reply(renderCard(view, this.cardOptions));
    await this.within(ref.channel, async (ctx) => {
      await ctx.updateActivity({ ...activity, id: ref.id });
    });
  }

  async notifyUser(_user: UserRef, view: View): Promise<void> {
    if (this.invoke?.reply(view.fallback)) return;
    const conversation = this.origin.conversation?.id;
    if (conversation) await this.send(conversation, this.cardActivity(view));
  }

  async postToChannel(channel: string, view: View): Promise<MessageRef> {
    const stored = await this.deps.references.get(this.tenant, channel);
    if (!stored) {
      throw new DomainError(
        'not_found',
        'the bot has not heard from that channel yet: mention the bot there once (for example “@AI Procure help”)',
      );
    }
    return this.postThrough(channel, stored, view);
  }

  /**
   * Posts to `channel` through its already-loaded conversation reference: a new post (not a reply to an old thread)
   * when it is a Teams channel, a plain message in a chat.
   */
  async postThrough(channel: string, stored: StoredConversationReference, view: View): Promise<MessageRef> {
    const reference = stored as Partial<ConversationReference>;
    if (stored.conversation.conversationType !== 'channel') {
      return { channel, id: await this.send(channel, this.cardActivity(view), reference) };
    }
    let created: { id: string; activityId: string } | undefined;
    await this.within(
      channel,
      async (ctx) => {
        const client = ctx.turnState.get<ConnectorConversations>(this.deps.adapter.ConnectorClientKey);
        const parameters = {
          isGroup: true,
          channelData: { channel: { id: channel } },
          tenantId: stored.conversation.tenantId,
          activity: this.cardActivity(view) as Activity,
        } as ConversationParameters;
        const result = await client.conversations.createConversation(parameters);
        created = { id: result.id, activityId: result.activityId };
      },
      reference,
    );
    if (!created) throw new Error('createConversation returned nothing');
    return { channel: created.id, id: created.activityId };
  }

  async linkTo(ref: MessageRef): Promise<string | undefined> {
    const { channel, rootId } = splitThread(ref.channel);
    const tenantId = this.origin.conversation?.tenantId;
    if (rootId) {
      const query = new URLSearchParams({ ...(tenantId ? { tenantId } : {}), parentMessageId: rootId });
      return `https://teams.microsoft.com/l/message/${encodeURIComponent(channel)}/${rootId}?${query}`;
    }
    return `https://teams.microsoft.com/l/message/${encodeURIComponent(channel)}/${ref.id}?context=${encodeURIComponent('{"contextType":"chat"}')}`;
  }

  async uploadFile(root: MessageRef, file: { filename: string; title: string; content: string }): Promise<void> {
    // Bots cannot drop files into channels without Graph permissions. A short file goes in as a Markdown message
    // (JSON in a code block whose fence is longer than any run of backticks inside it); a long one is offered by link.
    if (file.content.length > MESSAGE_MAX && this.deps.downloads?.available) {
      const url = await this.deps.downloads.offer(this.tenant, file);
      const view: View = {
        fallback: file.title,
        heading: file.title,
        blocks: [
          { type: 'text', content: [{ link: { url, label: `Download ${file.filename}` } }] },
          { type: 'context', content: ['The link works for 24 hours.'] },
        ],
      };
      await this.send(root.channel, this.cardActivity(view));
      return;
    }
    let body = file.content;
    if (file.filename.endsWith('.json')) {
      const fence = '`'.repeat(Math.max(3, ...[...body.matchAll(/`+/g)].map((m) => m[0].length + 1)));
      body = `${fence}json\n${body}\n${fence}`;
    }
    if (body.length > MESSAGE_MAX) {
      body = `${body.slice(0, MESSAGE_MAX)}\n\n(cut: longer than a Teams message allows; set PUBLIC_URL to get a download link)`;
    }
    await this.send(root.channel, {
      type: ActivityTypes.Message,
      textFormat: 'markdown',
      text: `**${escapeMarkdown(file.title)}** (${escapeMarkdown(file.filename)})\n\n${body}`,
    });
  }

  /** Posts a ready-made card (a form) into a conversation. */
  async postCard(conversationId: string, card: Record<string, unknown>, summary: string): Promise<MessageRef> {
    const activity = { ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), summary: plain(summary) };
    return { channel: conversationId, id: await this.send(conversationId, activity) };
  }

  private cardActivity(view: View): Partial<Activity> {
    return {
      ...MessageFactory.attachment(CardFactory.adaptiveCard(renderCard(view, this.cardOptions))),
      // The notification text carries user text too: break `<at>` as the card's own text does.
      summary: plain(view.fallback),
    };
  }

  private async send(conversationId: string, activity: Partial<Activity>, reference?: Partial<ConversationReference>) {
    let id: string | undefined;
    await this.within(
      conversationId,
      async (ctx) => {
        id = (await ctx.sendActivity(activity))?.id;
      },
      reference,
    );
    if (!id) throw new Error('the Bot Connector returned no activity id');
    return id;
  }

  /**
   * Runs `work` in a proactive turn on `conversationId`. Errors are caught inside and rethrown here: the adapter's
   * turn-error handler would otherwise swallow them and the caller would think the post went out.
   */
  private async within(
    conversationId: string,
    work: (ctx: TurnContext) => Promise<void>,
    reference: Partial<ConversationReference> = this.origin,
  ): Promise<void> {
    // A stored reference could have been tampered with: the bot's token never goes anywhere but the Bot Connector.
    if (!serviceUrlAllowed(reference.serviceUrl, this.deps.serviceUrls)) {
      const serviceUrl = String(reference.serviceUrl).slice(0, 200);
      // The caller shows the failure to the user; the operator must hear of it too (the core logs nothing).
      this.deps.logger?.warn(
        { tenant: this.tenant, conversation: conversationId.slice(0, 200), serviceUrl },
        'refused to call a service URL that is not a Bot Connector host (tampered conversation reference?)',
      );
      // What the user reads: no address, which is the operator's to see in the log.
      throw new DomainError(
        'forbidden',
        'its stored address is not a Microsoft Teams service, so nothing was sent there',
      );
    }
    let failure: unknown;
    let ran = false;
    const target = {
      ...reference,
      conversation: { ...reference.conversation, id: conversationId },
    } as Partial<ConversationReference>;
    await withinTime(
      this.deps.adapter.continueConversationAsync(this.deps.botAppId, target, async (ctx) => {
        ran = true;
        try {
          await work(ctx);
        } catch (error) {
          failure = error;
        }
      }),
      this.deps.timeoutMs,
    );
    if (failure) throw failure;
    // Middleware refused the turn (its error went to the turn-error handler): nothing was sent.
    if (!ran) throw new Error('the proactive turn did not run');
  }
}

/** `work`, or an error once `ms` have passed without it settling (the request itself goes on unawaited). */
export async function withinTime<T>(work: Promise<T>, ms: number | undefined): Promise<T> {
  if (!ms) return work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the Bot Connector did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
