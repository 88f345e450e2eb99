import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { z } from 'zod';
import { ContractActions } from '../../../core/contracts/actions.js';
import { dispatchContractAction, submitContractForm } from '../../../core/contracts/dispatch.js';
import { dispatchHistoryAction } from '../../../core/history/service.js';
import { COMMONS_SHARE_SUBMIT } from '../../../core/lessons/share-views.js';
import { LESSON_SUBMIT } from '../../../core/lessons/views.js';
import { ProcurementActions } from '../../../core/procurement/actions.js';
import {
  dispatchProcurementAction,
  PROCUREMENT_FORMS,
  type ProcurementOutcome,
  submitProcurementForm,
} from '../../../core/procurement/dispatch.js';
import { noticeView } from '../../../core/triage/views.js';
import type { FormView, View } from '../../../core/view.js';
import { showFailure } from '../../failures.js';
import { onFirstDelivery, type SlackDeps } from '../deps.js';
import { modalErrors, modalValues, renderModal } from '../render/modal.js';
import { safeJson } from '../safe-json.js';
import { SlackSurface } from '../surface.js';
import { slackActor, slackTenant } from '../tenant.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const CONTRACT_BUTTON = /^(contract_|reminder_|history_|proc_|lesson_)/;
const FORMS = [
  ContractActions.submitRegistration,
  ContractActions.submitResult,
  ContractActions.submitSnooze,
  ContractActions.submitBreach,
  ContractActions.submitReviews,
  ContractActions.submitChange,
  ...PROCUREMENT_FORMS,
  LESSON_SUBMIT,
  COMMONS_SHARE_SUBMIT,
];

/** What a modal carries between opening and submit: the button's payload and where it was clicked. */
const MetadataSchema = z.object({ p: z.record(z.unknown()), c: z.string().optional(), t: z.string().optional() });

/**
 * Contract and reminder buttons, and the modals they open. A button acks at once; a form opens as a modal (within
 * the trigger's 3 seconds); a view or note goes to the clicker only; a file is uploaded where the click was. A
 * submitted modal is checked before its ack, so errors appear beside the fields.
 */
export function registerContractActions(app: App, deps: SlackDeps) {
  app.action<BlockAction>(CONTRACT_BUTTON, async ({ ack, body, action, client, context }: ActionArgs) => {
    await ack();
    const actionId = action.action_id.split(':')[0] ?? '';
    const tenant = slackTenant(context);
    const by = slackActor(deps, client, context, {
      id: body.user.id,
      name: body.user.name ?? body.user.username,
      team_id: body.user.team_id,
    });
    const channel = body.channel?.id ?? body.container?.channel_id;
    const threadTs = body.message?.thread_ts ?? body.container?.thread_ts;
    const surface = new SlackSurface(client, { channel, threadTs });
    // The modal must open within Slack's 3 s trigger window, so the zone lookup (for Register only) starts before the
    // dedupe claim and gets a short budget; without a zone the form proposes the jurisdiction's.
    const zone =
      actionId === ContractActions.register || actionId === ProcurementActions.start
        ? deps.people.timeZone(client, tenant, by.id, 800)
        : undefined;
    await onFirstDelivery(deps, tenant, body.trigger_id, async () => {
      try {
        const payload = action.type === 'button' ? safeJson(action.value) : undefined;
        const reply =
          (await dispatchHistoryAction(deps.history, { tenant, by, actionId, payload })) ??
          (await dispatchContractAction(deps.contracts, {
            tenant,
            by,
            actionId,
            payload,
            platform: 'slack',
            timeZone: await zone,
            ocidPrefix: deps.ocdsPrefix,
          })) ??
          (await dispatchProcurementAction(deps, {
            tenant,
            by,
            actionId,
            payload,
            surface,
            timeZone: await zone,
          })) ??
          (await deps.lessons.dispatch(tenant, by, actionId, payload));
        if (!reply || reply.kind === 'none') return;
        if (reply.kind === 'form') {
          const metadata = JSON.stringify({ p: payload, c: channel, t: threadTs });
          await client.views.open({ trigger_id: body.trigger_id, view: renderModal(reply.form, metadata) as never });
        } else if (reply.kind === 'file') {
          if (channel) await surface.uploadFile({ channel, id: threadTs }, reply.file);
        } else if (reply.kind === 'files') {
          for (const file of reply.files) if (channel) await surface.uploadFile({ channel, id: threadTs }, file);
        } else {
          await surface.notifyUser(by, reply.view);
        }
      } catch (error) {
        await showFailure(error, deps.logger, (text) => surface.notifyUser(by, noticeView(text)));
      }
    });
  });

  app.view<ViewSubmitAction>({ callback_id: new RegExp(`^(${FORMS.join('|')})$`) }, async (args: ViewArgs) => {
    const { ack, body, view, client, context } = args;
    const tenant = slackTenant(context);
    const by = slackActor(deps, client, context, {
      id: body.user.id,
      name: body.user.name,
      team_id: body.user.team_id,
    });
    const metadata = MetadataSchema.safeParse(safeJson(view.private_metadata));
    if (!metadata.success) {
      await ack({ response_action: 'errors', errors: {} });
      deps.logger.warn({ callback: view.callback_id }, 'modal without readable metadata');
      return;
    }
    let outcome: Awaited<ReturnType<typeof submitContractForm>> | ProcurementOutcome;
    const { c: channel, t: threadTs } = metadata.data;
    const surface = new SlackSurface(client, { channel, threadTs });
    try {
      const values = modalValues(view.state.values as never);
      outcome =
        (await submitContractForm(deps.contracts, {
          tenant,
          by,
          formId: view.callback_id,
          payload: metadata.data.p,
          values,
          platform: 'slack',
          submission: view.id,
        })) ??
        (await submitProcurementForm(deps, {
          tenant,
          by,
          formId: view.callback_id,
          payload: metadata.data.p,
          values,
          surface,
        })) ??
        (view.callback_id === LESSON_SUBMIT ? withoutRedraw(await deps.lessons.save(tenant, by, values)) : undefined) ??
        (view.callback_id === COMMONS_SHARE_SUBMIT
          ? withoutRedraw(await deps.commons.submitShare(tenant, by, metadata.data.p, values))
          : undefined);
    } catch (error) {
      // Said on the modal itself: a known problem (the contract is gone, the store is down) in its own words,
      // anything else with the reference that was logged.
      let message = 'Something went wrong; please try again.';
      await showFailure(error, deps.logger, async (text) => {
        message = text;
      });
      await ack({
        response_action: 'update',
        view: renderModal(errorForm(view.title.text, message), view.private_metadata) as never,
      });
      return;
    }
    if (!outcome) return ack();
    if (!outcome.ok) {
      await ack({ response_action: 'errors', errors: modalErrors(outcome.form.errors ?? {}) });
      return;
    }
    await ack();
    if (!channel) return;
    const done = outcome;
    // A successful submit closes the modal, so a second success for the same view is a double submit: confirm once.
    await onFirstDelivery(deps, tenant, `view:${view.id}`, async () => {
      try {
        // A registration is news for the thread; a result or a breach is confirmed to the person who entered it.
        if (!('contract' in done)) {
          await done.after();
          if (done.confirmation) await surface.notifyUser(by, done.confirmation);
          return;
        }
        await done.after?.(surface);
        if (view.callback_id !== ContractActions.submitRegistration) {
          await surface.notifyUser(by, done.confirmation);
        } else if (threadTs) {
          await surface.postInThread({ channel, id: threadTs }, done.confirmation);
        } else {
          await surface.postRoot(channel, done.confirmation);
        }
      } catch (error) {
        deps.logger.error({ err: error }, 'could not confirm a contract form');
      }
    });
  });
}

/** A lesson has no message to redraw after it is saved. */
function withoutRedraw(outcome: { ok: true; confirmation: View } | { ok: false; form: FormView }): ProcurementOutcome {
  return outcome.ok ? { ...outcome, after: async () => undefined } : outcome;
}

/** A one-field modal that only explains a failure, replacing the form. */
function errorForm(title: string, message: string) {
  return {
    title,
    intro: [message],
    fields: [],
    submit: { id: 'contract_noop', label: 'Close', value: {} },
  };
}
