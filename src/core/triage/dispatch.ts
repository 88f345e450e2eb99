import type { Actor } from '../access/roles.js';
import type { ConversationSurface } from '../ports.js';
import { type ActionPayload, TriageActions } from './actions.js';
import type { TriageService } from './service.js';

/** What a platform read off a clicked message besides the button: checked boxes, typed text. */
export interface ActionInputs {
  selected?: string[];
  text?: string;
}

export interface ActionCall {
  tenant: string;
  by: Actor;
  surface: ConversationSurface;
  actionId: string;
  payload: ActionPayload;
  inputs?: ActionInputs;
}

/**
 * One mapping from a triage action to a service call, shared by Slack and Teams so both platforms behave the
 * same. Returns false for an action id this feature does not own.
 */
export async function dispatchTriageAction(service: TriageService, call: ActionCall): Promise<boolean> {
  const { payload, inputs = {} } = call;
  const base = { tenant: call.tenant, by: call.by, surface: call.surface, dialogueId: payload.d, step: payload.s };
  const questionId = payload.q ?? '';
  switch (call.actionId) {
    case TriageActions.answer:
      await service.answer({ ...base, questionId, value: { kind: 'option', optionId: payload.o ?? '' } });
      return true;
    case TriageActions.dontKnow:
      await service.answer({ ...base, questionId, value: { kind: 'dontKnow' } });
      return true;
    case TriageActions.confirmMulti:
      await service.answer({ ...base, questionId, value: { kind: 'options', optionIds: inputs.selected ?? [] } });
      return true;
    case TriageActions.submitText:
      await service.answer({ ...base, questionId, value: { kind: 'text', text: (inputs.text ?? '').trim() } });
      return true;
    case TriageActions.back:
      await service.back(base);
      return true;
    case TriageActions.exportReport:
      await service.exportReport(base);
      return true;
    default:
      return false;
  }
}
