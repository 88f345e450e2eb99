import type { TurnContext } from 'botbuilder';
import { ContractActions } from '../../../core/contracts/actions.js';
import { dispatchContractAction, submitContractForm } from '../../../core/contracts/dispatch.js';
import { PICKED_USER } from '../../../core/form-values.js';
import { dispatchHistoryAction } from '../../../core/history/service.js';
import { COMMONS_SHARE_SUBMIT } from '../../../core/lessons/share-views.js';
import { LESSON_SUBMIT } from '../../../core/lessons/views.js';
import { CONSEQUENCE_INPUT } from '../../../core/procurement/actions.js';
import {
  dispatchProcurementAction,
  PROCUREMENT_FORMS,
  submitProcurementForm,
} from '../../../core/procurement/dispatch.js';
import { noticeView } from '../../../core/triage/views.js';
import { type FormValues, type Paragraph, plainText, type UserRef, type View } from '../../../core/view.js';
import { shortId } from '../../../store/records.js';
import { showFailure } from '../../failures.js';
import type { MemberLookup } from '../people.js';
import { type CardOptions, formatDate, renderCard } from '../render/cards.js';
import { formValues, renderFormCard } from '../render/form-card.js';
import { bind, type TeamsContext } from './context.js';

const FORMS: string[] = [
  ContractActions.submitRegistration,
  ContractActions.submitResult,
  ContractActions.submitSnooze,
  ContractActions.submitBreach,
  ContractActions.submitReviews,
  ContractActions.submitChange,
  ...PROCUREMENT_FORMS,
];

type Reply = Record<string, unknown> | string;

/**
 * Contract and reminder buttons on cards, and the card forms they open. A form or a contract's details arrive as a
 * new card in the conversation; a note answers the click under its card. A submitted form card is checked at once:
 * errors redraw the form for the person submitting, success turns the form into its confirmation for everyone.
 */
export async function handleContractAction(
  context: TeamsContext,
  ctx: TurnContext,
  verb: string,
  data: Record<string, unknown>,
): Promise<Reply> {
  const { tenant, by, surface, options } = bind(context, ctx);
  const conversation = ctx.activity.conversation.id;
  try {
    if (verb === LESSON_SUBMIT || verb === COMMONS_SHARE_SUBMIT) {
      const outcome =
        verb === LESSON_SUBMIT
          ? await context.deps.lessons.save(tenant, by, formValues(data))
          : await context.deps.commons.submitShare(tenant, by, pick(data), formValues(data));
      if (!outcome.ok) return renderFormCard(outcome.form, options);
      if (ctx.activity.replyToId) {
        await surface
          .update({ channel: conversation, id: ctx.activity.replyToId }, outcome.confirmation)
          .catch((error: unknown) =>
            context.deps.logger.warn({ err: error }, 'could not turn a form into its confirmation'),
          );
      }
      return renderCard(outcome.confirmation, options);
    }
    if (PROCUREMENT_FORMS.includes(verb)) {
      const values = formValues(data);
      const outcome = await submitProcurementForm(context.deps, {
        tenant,
        by,
        formId: verb,
        payload: pick(data),
        values,
        surface,
        timeZone: options.timeZone,
        people: await pickedPeople(context, ctx, tenant, values),
      });
      if (!outcome) return 'That action is not supported.';
      if (!outcome.ok) return renderFormCard(outcome.form, options);
      const confirmation = outcome.confirmation ?? noticeView('Done: the checklist is in the thread.');
      // The change is saved: the thread's checklist is redrawn whatever happens to the form card (a shutdown waits).
      void context.deps.inFlight.track(
        outcome.after().catch((error: unknown) => context.deps.logger.warn({ err: error }, 'checklist redraw failed')),
      );
      if (ctx.activity.replyToId) {
        await surface
          .update({ channel: conversation, id: ctx.activity.replyToId }, confirmation)
          .catch((error: unknown) =>
            context.deps.logger.warn({ err: error }, 'could not turn a form into its confirmation'),
          );
      }
      return renderCard(confirmation, options);
    }
    if (FORMS.includes(verb)) {
      const values = formValues(data);
      const outcome = await submitContractForm(context.deps.contracts, {
        tenant,
        by,
        formId: verb,
        payload: pick(data),
        values,
        platform: 'teams',
        timeZone: options.timeZone,
        people: await pickedPeople(context, ctx, tenant, values),
        // The form card's own id: submitting the same card twice records once.
        submission: ctx.activity.replyToId ? shortId(`${conversation}/${ctx.activity.replyToId}`) : undefined,
      });
      if (!outcome) return 'That action is not supported.';
      if (!outcome.ok) return renderFormCard(outcome.form, options);
      if (ctx.activity.replyToId) {
        await surface.update({ channel: conversation, id: ctx.activity.replyToId }, outcome.confirmation);
      }
      if (outcome.after) {
        void context.deps.inFlight.track(
          outcome
            .after(surface)
            .catch((error: unknown) =>
              context.deps.logger.warn({ err: error }, 'checklist redraw after an award failed'),
            ),
        );
      }
      return renderCard(outcome.confirmation, options);
    }
    const reply =
      (await dispatchHistoryAction(context.deps.history, { tenant, by, actionId: verb, payload: pick(data) })) ??
      (await dispatchContractAction(context.deps.contracts, {
        tenant,
        by,
        actionId: verb,
        payload: pick(data),
        platform: 'teams',
        timeZone: options.timeZone,
        ocidPrefix: context.deps.ocdsPrefix,
      })) ??
      (await dispatchProcurementAction(context.deps, {
        tenant,
        by,
        actionId: verb,
        payload: pick(data),
        surface,
        timeZone: options.timeZone,
        text: typeof data[CONSEQUENCE_INPUT] === 'string' ? String(data[CONSEQUENCE_INPUT]) : undefined,
      })) ??
      (await context.deps.lessons.dispatch(tenant, by, verb, pick(data)));
    if (!reply) return 'That action is not supported.';
    switch (reply.kind) {
      case 'none':
        return 'Done.';
      case 'files':
        for (const file of reply.files) {
          await surface.uploadFile({ channel: conversation, id: ctx.activity.replyToId ?? '' }, file);
        }
        return 'Posted below.';
      case 'form':
        await surface.postCard(conversation, renderFormCard(reply.form, options), reply.form.title);
        return 'The form is in the conversation below.';
      case 'view':
        await surface.postRoot(conversation, reply.view);
        return 'Posted below.';
      case 'file':
        await surface.uploadFile({ channel: conversation, id: ctx.activity.replyToId ?? '' }, reply.file);
        return 'Posted below.';
      case 'notice':
        return noticeText(reply.view, options);
    }
  } catch (error) {
    let note = '';
    await showFailure(error, context.deps.logger, async (text) => {
      note = text;
    });
    return note || 'Something went wrong.';
  }
}

/** A note as one line of text; dates in the clicker's zone, as on the cards (not UTC). */
function noticeText(view: View, options: CardOptions): string {
  const line = (content: Paragraph) =>
    content
      .map((part) =>
        typeof part === 'object' && 'date' in part
          ? formatDate(part.date.at, part.date.style, options)
          : plainText([part]),
      )
      .join('');
  return view.blocks
    .map((block) => (block.type === 'text' || block.type === 'context' ? line(block.content) : ''))
    .filter(Boolean)
    .join(' ');
}

/**
 * The names of the people picked in a form (the people picker submits only Entra object ids), from the
 * conversation's members; someone Teams cannot find here keeps their id alone.
 */
async function pickedPeople(
  context: TeamsContext,
  ctx: TurnContext,
  tenant: string,
  values: FormValues,
): Promise<UserRef[]> {
  const connector = ctx.turnState.get<MemberLookup | undefined>(context.adapter.ConnectorClientKey);
  if (!connector) return [];
  const team = (ctx.activity.channelData as { team?: { id?: unknown } } | undefined)?.team?.id;
  const where = typeof team === 'string' ? team : ctx.activity.conversation.id;
  const ids = new Set<string>();
  for (const value of Object.values(values)) {
    if (typeof value === 'string' && value.startsWith(PICKED_USER)) ids.add(value.slice(PICKED_USER.length));
  }
  const found = await Promise.all(
    [...ids].slice(0, 5).map((id) => context.deps.people.member(connector, tenant, where, id).catch(() => undefined)),
  );
  return found.flatMap((member, i) => (member?.name ? [{ id: [...ids][i]!, name: member.name }] : []));
}

/** The button's own payload, without the form's inputs (Teams merges them into the same data). */
function pick(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['c', 'k', 'd', 'r', 'p', 'i', 'set', 'l', 's']) if (key in data) out[key] = data[key];
  return out;
}
