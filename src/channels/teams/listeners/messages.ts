import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { checkCommand } from '../../../core/commands.js';
import { BadInputError } from '../../../core/errors.js';
import { type RunnableCommand, runCommand } from '../../../core/run-command.js';
import { type CommandStyle, helpView, noticeView, usageView } from '../../../core/triage/views.js';
import type { UserRef, View } from '../../../core/view.js';
import { showFailure } from '../../failures.js';
import { mentionIndex, parseTeamsCommand } from '../command-parser.js';
import type { MemberLookup } from '../people.js';
import { renderCard } from '../render/cards.js';
import { renderFormCard } from '../render/form-card.js';
import { withinTime } from '../surface.js';
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

/** Answers in the turn's conversation, giving up after `timeoutMs` like every Bot Connector call. */
const reply = (ctx: TurnContext, view: View, timeoutMs: number, timeZone?: string) =>
  withinTime(
    ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(renderCard(view, { timeZone })))),
    timeoutMs,
  );

interface Mention {
  text: string;
  id: string;
  name?: string;
}

/** The people mentioned in a message, other than the bot, as Teams' mention entities name them. */
function mentionedPeople(ctx: TurnContext): Mention[] {
  const out: Mention[] = [];
  for (const entity of ctx.activity.entities ?? []) {
    if (entity.type !== 'mention') continue;
    const { text, mentioned } = entity as { text?: unknown; mentioned?: { id?: unknown; name?: unknown } };
    if (typeof text !== 'string' || typeof mentioned?.id !== 'string') continue;
    if (mentioned.id === ctx.activity.recipient.id) continue;
    out.push({ text, id: mentioned.id, ...(typeof mentioned.name === 'string' ? { name: mentioned.name } : {}) });
  }
  return out;
}

/** Commands by @mention in channels and group chats, or plain text in a personal chat. */
export async function handleMessage(context: TeamsContext, ctx: TurnContext): Promise<void> {
  const text = ctx.activity.text ?? '';
  if (!text.trim()) return; // an Action.Submit or an attachment-only message: nothing to do
  const style = commandStyle(ctx);
  const people = mentionedPeople(ctx);
  const command = checkCommand(
    parseTeamsCommand(
      text,
      people.map((p) => p.text),
    ),
  );
  const answer = (view: View, timeZone?: string) => reply(ctx, view, context.timeoutMs, timeZone);
  if (command.kind === 'help') {
    await answer(helpView(style));
    return;
  }
  if (command.kind === 'usage') {
    await answer(usageView(style, command.problem));
    return;
  }
  const { tenant, by, surface, options } = bind(context, ctx);
  const conversation = ctx.activity.conversation;
  const fail = (error: unknown) =>
    showFailure(error, context.deps.logger, (message) => surface.notifyUser(by, noticeView(message)));
  const run = async (runnable: RunnableCommand) => {
    const result = await runCommand(context.deps, runnable, {
      tenant,
      by,
      platform: 'teams',
      channel: conversation.id,
      surface,
      timeZone: options.timeZone,
    });
    if (result.kind === 'view') await answer(result.view, options.timeZone);
    else if (result.kind === 'form') {
      await surface.postCard(conversation.id, renderFormCard(result.form, options), result.form.title);
    } else if (result.kind === 'file') {
      await surface.uploadFile({ channel: conversation.id, id: ctx.activity.id ?? '' }, result.file);
    }
  };
  try {
    switch (command.kind) {
      case 'triage':
        // Answer the turn now and post the dialogue proactively, well inside Teams' retry window.
        void context.deps.inFlight.track(run(command).catch(fail));
        return;
      case 'config-channel':
        if (conversation.conversationType === 'personal') {
          await answer(
            noticeView('Run this in the channel that should receive triage summaries, by mentioning me there.'),
          );
          return;
        }
        await run({ kind: 'config-channel', channel: splitThread(conversation.id).channel });
        return;
      case 'roles-change':
        await run({ ...command, who: await resolvePerson(context, ctx, tenant, people, command.who) });
        return;
      default:
        await run(command);
    }
  } catch (error) {
    await fail(error);
  }
}

/**
 * The person a roles command names: one @mention, resolved to their Entra object id (the id the bot knows people
 * by in Teams), from the conversation's members.
 */
async function resolvePerson(
  context: TeamsContext,
  ctx: TurnContext,
  tenant: string,
  people: Mention[],
  who: string,
): Promise<UserRef> {
  const k = mentionIndex(who);
  const mention = k === undefined ? undefined : people[k];
  if (!mention) throw new BadInputError('Name the person by @mentioning them, e.g. roles add @Alex procurement.');
  const connector = ctx.turnState.get<MemberLookup | undefined>(context.adapter.ConnectorClientKey);
  const team = (ctx.activity.channelData as { team?: { id?: unknown } } | undefined)?.team?.id;
  const where = typeof team === 'string' ? team : ctx.activity.conversation.id;
  const member = connector
    ? await context.deps.people.member(connector, tenant, where, mention.id).catch(() => undefined)
    : undefined;
  if (!member?.aadObjectId) {
    throw new BadInputError(
      `I could not look ${mention.name ?? 'that person'} up in this conversation. Try again in a minute.`,
    );
  }
  return { id: member.aadObjectId, ...(member.name || mention.name ? { name: member.name ?? mention.name } : {}) };
}

/** When the bot joins a conversation, say what it does. */
export async function welcome(context: Pick<TeamsContext, 'timeoutMs'>, ctx: TurnContext): Promise<void> {
  const added = ctx.activity.membersAdded ?? [];
  if (!added.some((member) => member.id === ctx.activity.recipient.id)) return;
  await reply(ctx, helpView(commandStyle(ctx)), context.timeoutMs);
}
