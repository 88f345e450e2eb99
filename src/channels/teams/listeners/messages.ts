import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { checkCommand } from '../../../core/commands.js';
import { type CommandStyle, helpView, noticeView, usageView } from '../../../core/triage/views.js';
import type { View } from '../../../core/view.js';
import { showFailure } from '../../failures.js';
import { parseTeamsCommand } from '../command-parser.js';
import { renderCard } from '../render/cards.js';
import { splitThread } from '../tenant.js';
import { bind, type TeamsContext } from './context.js';

function commandStyle(ctx: TurnContext): CommandStyle {
  const personal = ctx.activity.conversation.conversationType === 'personal';
  return {
    prefix: personal ? '' : `@${ctx.activity.recipient.name ?? 'AI Procure'}`,
    configChannel: 'config channel',
    configWhat: 'in a channel: send summaries and reminders to this channel',
  };
}

const reply = (ctx: TurnContext, view: View) =>
  ctx.sendActivity(
    MessageFactory.attachment(CardFactory.adaptiveCard(renderCard(view, { timeZone: ctx.activity.localTimezone }))),
  );

/** Commands by @mention in channels and group chats, or plain text in a personal chat. */
export async function handleMessage(context: TeamsContext, ctx: TurnContext): Promise<void> {
  const text = ctx.activity.text ?? '';
  if (!text.trim()) return; // an Action.Submit or an attachment-only message: nothing to do
  const style = commandStyle(ctx);
  const command = checkCommand(parseTeamsCommand(text));
  if (command.kind === 'help') {
    await reply(ctx, helpView(style));
    return;
  }
  if (command.kind === 'usage') {
    await reply(ctx, usageView(style, command.problem));
    return;
  }
  const { tenant, by, surface } = bind(context, ctx);
  const conversation = ctx.activity.conversation;
  const fail = (error: unknown) =>
    showFailure(error, context.deps.logger, (message) => surface.notifyUser(by, noticeView(message)));
  try {
    switch (command.kind) {
      case 'triage': {
        // Answer the turn now and post the dialogue proactively, well inside Teams' retry window.
        void context.deps.triage
          .start({ tenant, by, surface, platform: 'teams', channel: conversation.id, title: command.title })
          .catch(fail);
        return;
      }
      case 'config-channel':
        if (conversation.conversationType === 'personal') {
          await reply(
            ctx,
            noticeView('Run this in the channel that should receive triage summaries, by mentioning me there.'),
          );
          return;
        }
        await reply(
          ctx,
          await context.deps.settings.setProcurementChannel(
            tenant,
            splitThread(conversation.id).channel,
            by,
            ctx.activity.localTimezone,
          ),
        );
        return;
      case 'config-timezone':
        await reply(ctx, await context.deps.settings.setTimeZone(tenant, command.timeZone));
        return;
      case 'config-hour':
        await reply(ctx, await context.deps.settings.setDigestHour(tenant, command.hour));
        return;
      case 'contracts':
        await reply(ctx, await context.deps.contracts.list(tenant));
        return;
      case 'kpi':
        await reply(ctx, await context.deps.contracts.due(tenant));
        return;
      case 'export': {
        const file = await context.deps.contracts.exportOcds(tenant, command.contractId, {
          ocidPrefix: context.deps.ocdsPrefix,
        });
        await surface.uploadFile({ channel: conversation.id, id: ctx.activity.id ?? '' }, file);
        return;
      }
    }
  } catch (error) {
    await fail(error);
  }
}

/** When the bot joins a conversation, say what it does. */
export async function welcome(ctx: TurnContext): Promise<void> {
  const added = ctx.activity.membersAdded ?? [];
  if (!added.some((member) => member.id === ctx.activity.recipient.id)) return;
  await reply(ctx, helpView(commandStyle(ctx)));
}
