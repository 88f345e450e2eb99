import type { AdaptiveCard } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { isContractAction } from '../../../core/contracts/dispatch.js';
import { isHistoryAction } from '../../../core/history/actions.js';
import { isLessonAction } from '../../../core/lessons/actions.js';
import { isProcurementAction } from '../../../core/procurement/actions.js';
import { ActionPayloadSchema, TriageActions } from '../../../core/triage/actions.js';
import { dispatchTriageAction } from '../../../core/triage/dispatch.js';
import { noticeView } from '../../../core/triage/views.js';
import { showFailure } from '../../failures.js';
import { InvokeReply } from '../invoke-reply.js';
import { bind, type TeamsContext } from './context.js';
import { handleContractAction } from './contract-actions.js';

/** How long a click waits for the core before Teams is told "working on it" (Teams gives up after ~15 s). */
const INVOKE_BUDGET_MS = 5000;

type ExecuteData = Record<string, unknown>;

/**
 * Every `Action.Execute` click. The core runs with a surface whose first decision about the clicked card settles the
 * invoke (the refreshed card, or a short message); the rest — the next card, the summary — goes out proactively.
 */
export async function handleCardAction(
  context: TeamsContext,
  ctx: TurnContext,
  data: ExecuteData,
): Promise<AdaptiveCard | string> {
  const value = ctx.activity.value as { action?: { verb?: unknown } } | undefined;
  const verb = typeof value?.action?.verb === 'string' ? value.action.verb : '';
  if (isContractAction(verb) || isHistoryAction(verb) || isProcurementAction(verb) || isLessonAction(verb))
    return (await handleContractAction(context, ctx, verb, data)) as AdaptiveCard | string;
  const invoke = new InvokeReply(ctx.activity.replyToId);
  const { tenant, by, surface } = bind(context, ctx, invoke);
  const payload = ActionPayloadSchema.safeParse(data);
  if (!payload.success) {
    context.deps.logger.warn({ verb, issues: payload.error.issues }, 'malformed card action');
    return 'That button could not be read. Please use the latest card in the conversation.';
  }
  const selected = typeof data[TriageActions.multiInput] === 'string' ? String(data[TriageActions.multiInput]) : '';
  const text = typeof data[TriageActions.textInput] === 'string' ? String(data[TriageActions.textInput]) : undefined;
  // It outlives the turn (the invoke is answered first): tracked, so a shutdown waits for the posts after it.
  const work = context.deps.inFlight.track(
    dispatchTriageAction(context.deps.triage, {
      tenant,
      by,
      surface,
      actionId: verb,
      payload: payload.data,
      inputs: { selected: selected.split(',').filter(Boolean), text },
    })
      .then((handled) => {
        if (!handled) invoke.reply('That action is not supported.');
      })
      .catch((error: unknown) =>
        showFailure(error, context.deps.logger, (message) => surface.notifyUser(by, noticeView(message))),
      )
      .finally(() => invoke.reply('Done.')),
  );
  const budget = new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('Working on it…'), INVOKE_BUDGET_MS);
    void work.finally(() => clearTimeout(timer));
  });
  // The card type of teams-ai is structural; ours is the same JSON.
  return (await Promise.race([invoke.promise, budget])) as AdaptiveCard | string;
}
