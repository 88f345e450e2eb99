import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ActionPayloadSchema, TriageActions } from '../../../core/triage/actions.js';
import { dispatchTriageAction } from '../../../core/triage/dispatch.js';
import { noticeView } from '../../../core/triage/views.js';
import { showFailure } from '../../failures.js';
import { onFirstDelivery, type SlackDeps } from '../deps.js';
import { safeJson } from '../safe-json.js';
import { SlackSurface } from '../surface.js';
import { slackActor, slackTenant } from '../tenant.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const TRIAGE_ACTION = /^triage_/;

/** Every triage button: ack at once, then hand the decoded click to the core. */
export function registerTriageActions(app: App, deps: SlackDeps) {
  app.action<BlockAction>(TRIAGE_ACTION, async ({ ack, body, action, client, context }: Args) => {
    await ack();
    const actionId = action.action_id.split(':')[0] ?? '';
    // Ticking a box only changes the message's state; it is read when "Confirm selection" is pressed.
    if (actionId === TriageActions.multiInput) return;
    const tenant = slackTenant(context);
    const by = slackActor(deps, client, context, {
      id: body.user.id,
      name: body.user.name ?? body.user.username,
      team_id: body.user.team_id,
    });
    const channel = body.channel?.id ?? body.container?.channel_id;
    const threadTs = body.message?.thread_ts ?? body.container?.thread_ts;
    const surface = new SlackSurface(client, { channel, threadTs });
    const notify = (text: string) => surface.notifyUser(by, noticeView(text));

    await onFirstDelivery(deps, tenant, `${body.trigger_id}`, async () => {
      try {
        const raw = action.type === 'button' ? action.value : undefined;
        const payload = ActionPayloadSchema.safeParse(safeJson(raw));
        if (!payload.success) {
          deps.logger.warn({ actionId, issues: payload.error.issues }, 'malformed action payload');
          await notify('That button could not be read. Please use the latest message in the thread.');
          return;
        }
        await dispatchTriageAction(deps.triage, {
          tenant,
          by,
          surface,
          actionId,
          payload: payload.data,
          inputs: { selected: checkedBoxes(body) },
        });
      } catch (error) {
        await showFailure(error, deps.logger, notify);
      }
    });
  });
}

/** The options ticked in the message's checkbox group, read from the state Slack sends with every click. */
function checkedBoxes(body: BlockAction): string[] {
  const values = body.state?.values ?? {};
  for (const block of Object.values(values)) {
    for (const [actionId, element] of Object.entries(block)) {
      if (actionId.startsWith(TriageActions.multiInput)) {
        return (element.selected_options ?? []).map((option) => option.value).filter((v): v is string => !!v);
      }
    }
  }
  return [];
}
