import type { z } from 'zod';
import type { Actor } from '../access/roles.js';
import { BadInputError } from '../errors.js';
import type { FormValues, FormView, UserRef, View } from '../view.js';
import { ContractActions, ContractPayloadSchema, RegisterPayloadSchema } from './actions.js';
import type { Contract } from './contract.js';
import type { ContractService, Submitted } from './service.js';

/**
 * What a contract action asks the platform to show. Each platform decides how: a form is a Slack modal or a Teams
 * card; a view is a Slack ephemeral message or a Teams card in the conversation; a notice is a short note where
 * the user clicked; a file is a Slack upload or a Teams message.
 */
export type ContractReply =
  | { kind: 'form'; form: FormView }
  | { kind: 'view'; view: View }
  | { kind: 'notice'; view: View }
  | { kind: 'file'; file: { filename: string; title: string; content: string } };

/** A submitted form with no extra result fields. */
export type FormOutcome = Submitted<unknown>;

export interface ContractCall {
  tenant: string;
  by: Actor;
  actionId: string;
  payload: unknown;
  platform: Contract['platform'];
  /** The clicker's zone, to prefill the registration form. */
  timeZone?: string;
  ocidPrefix: string;
}

/** One mapping from a contract button to a service call, shared by Slack and Teams. Undefined: not ours. */
export async function dispatchContractAction(
  service: ContractService,
  call: ContractCall,
): Promise<ContractReply | undefined> {
  switch (call.actionId) {
    case ContractActions.register: {
      const { d } = parse(RegisterPayloadSchema, call.payload);
      return {
        kind: 'form',
        form: await service.registrationFormFor({
          tenant: call.tenant,
          dialogueId: d,
          by: call.by,
          timeZone: call.timeZone,
        }),
      };
    }
    case ContractActions.record: {
      const { c, k } = parse(ContractPayloadSchema, call.payload);
      return { kind: 'form', form: await service.resultFormFor(call.tenant, call.by, c, k ?? '') };
    }
    case ContractActions.breach: {
      const { c } = parse(ContractPayloadSchema, call.payload);
      return { kind: 'form', form: await service.breachFormFor(call.tenant, call.by, c) };
    }
    case ContractActions.snooze: {
      const { c, k } = parse(ContractPayloadSchema, call.payload);
      return { kind: 'form', form: await service.snoozeFormFor(call.tenant, call.by, c, k ?? '') };
    }
    case ContractActions.open: {
      const { c } = parse(ContractPayloadSchema, call.payload);
      return { kind: 'view', view: await service.open(call.tenant, call.by, c) };
    }
    case ContractActions.reviews: {
      const { c } = parse(ContractPayloadSchema, call.payload);
      return { kind: 'form', form: await service.reviewsFormFor(call.tenant, call.by, c) };
    }
    case ContractActions.change: {
      const { c } = parse(ContractPayloadSchema, call.payload);
      return { kind: 'form', form: await service.changeFormFor(call.tenant, call.by, c) };
    }
    case ContractActions.exportOcds: {
      const { c } = parse(ContractPayloadSchema, call.payload);
      const file = await service.exportOcds(call.tenant, call.by, c, { ocidPrefix: call.ocidPrefix });
      return { kind: 'file', file };
    }
    default:
      return undefined;
  }
}

export interface SubmitCall {
  tenant: string;
  by: Actor;
  formId: string;
  payload: unknown;
  values: FormValues;
  platform: Contract['platform'];
  timeZone?: string;
  /** Names this submission (Slack view id, Teams card id), so a double submit changes nothing twice. */
  submission?: string;
  /** People picked in the form, with the names the platform knows them by. */
  people?: UserRef[];
}

/** A submitted contract form: the confirmation, or the form again with field-level errors. Undefined: not ours. */
export async function submitContractForm(service: ContractService, call: SubmitCall): Promise<FormOutcome | undefined> {
  switch (call.formId) {
    case ContractActions.submitRegistration: {
      const { d } = parse(RegisterPayloadSchema, call.payload);
      return service.register({
        tenant: call.tenant,
        dialogueId: d,
        platform: call.platform,
        values: call.values,
        by: call.by,
        timeZone: call.timeZone,
        people: call.people,
      });
    }
    case ContractActions.submitResult:
      return service.recordResult(obligationSubmission(call));
    case ContractActions.submitSnooze:
      return service.snooze(obligationSubmission(call));
    case ContractActions.submitReviews: {
      const { c } = parse(ContractPayloadSchema, call.payload);
      return service.scheduleReviews({ tenant: call.tenant, contractId: c, values: call.values, by: call.by });
    }
    case ContractActions.submitChange: {
      const { c } = parse(ContractPayloadSchema, call.payload);
      return service.logChange({
        tenant: call.tenant,
        contractId: c,
        values: call.values,
        by: call.by,
        submission: call.submission,
      });
    }
    case ContractActions.submitBreach: {
      const { c } = parse(ContractPayloadSchema, call.payload);
      return service.logBreach({
        tenant: call.tenant,
        contractId: c,
        values: call.values,
        by: call.by,
        submission: call.submission,
      });
    }
    default:
      return undefined;
  }
}

/** A form about one obligation of a contract (a result, a snooze): what its service method takes. */
function obligationSubmission(call: SubmitCall) {
  const { c, k } = parse(ContractPayloadSchema, call.payload);
  return {
    tenant: call.tenant,
    contractId: c,
    obligationKey: k ?? '',
    values: call.values,
    by: call.by,
    submission: call.submission,
  };
}

/** A button or form whose payload does not parse is stale or tampered with: say so, don't crash. */
function parse<S extends z.ZodTypeAny>(schema: S, payload: unknown): z.infer<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new BadInputError('That button could not be read. Please use the latest message.');
  return parsed.data;
}

export const isContractAction = (id: string): boolean => Object.values(ContractActions).includes(id as never);
