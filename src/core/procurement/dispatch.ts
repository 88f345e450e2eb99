import type { z } from 'zod';
import type { Actor } from '../access/roles.js';
import { BadInputError } from '../errors.js';
import type { ConversationSurface } from '../ports.js';
import type { FormValues, FormView, UserRef, View } from '../view.js';
import { ProcurementActions, ProcurementPayloadSchema, SortPayloadSchema, StartPayloadSchema } from './actions.js';
import type { ScanService } from './scan-service.js';
import type { ProcurementService, Saved } from './service.js';

type File = { filename: string; title: string; content: string };

/**
 * What a procurement button asks the platform to show: a form (a Slack modal, a Teams card), a view or a note for
 * the clicker, files where the click was, or nothing more (the thread already shows the change).
 */
export type ProcurementReply =
  | { kind: 'form'; form: FormView }
  | { kind: 'view'; view: View }
  | { kind: 'notice'; view: View }
  | { kind: 'files'; files: File[] }
  | { kind: 'none' };

export interface ProcurementCall {
  tenant: string;
  by: Actor;
  actionId: string;
  payload: unknown;
  /** The request's surface: the thread's messages are redrawn through it after each change. */
  surface: ConversationSurface;
  timeZone?: string;
  /** What was typed on the card with the click (Teams: a consequence on the scan's card). */
  text?: string;
}

export interface ProcurementServices {
  procurement: ProcurementService;
  scans: ScanService;
}

/** One mapping from a procurement button to the services, shared by Slack and Teams. Undefined: not ours. */
export async function dispatchProcurementAction(
  services: ProcurementServices,
  call: ProcurementCall,
): Promise<ProcurementReply | undefined> {
  const { procurement, scans } = services;
  const { tenant, by, surface } = call;
  switch (call.actionId) {
    case ProcurementActions.start: {
      const { d } = parse(StartPayloadSchema, call.payload);
      return {
        kind: 'form',
        form: await procurement.startFormFor({ tenant, by, dialogueId: d, timeZone: call.timeZone }),
      };
    }
    case ProcurementActions.update: {
      const { p, i } = parse(ProcurementPayloadSchema, call.payload);
      return { kind: 'form', form: await procurement.updateFormFor(tenant, by, p, i) };
    }
    case ProcurementActions.evidence: {
      const { p } = parse(ProcurementPayloadSchema, call.payload);
      return { kind: 'form', form: await procurement.evidenceFormFor(tenant, by, p) };
    }
    case ProcurementActions.ready: {
      const { p } = parse(ProcurementPayloadSchema, call.payload);
      const { procurement: saved, view, already } = await procurement.markReady(tenant, by, p);
      // A second click (a stale message, a double click) posts nothing: the thread has the news already.
      if (already) return { kind: 'notice', view };
      await procurement.publish(saved, surface);
      await surface.postInThread(saved.thread, view, { key: `ready:${saved.id}` });
      return { kind: 'none' };
    }
    case ProcurementActions.requestPack: {
      const { p } = parse(ProcurementPayloadSchema, call.payload);
      return { kind: 'files', files: await procurement.requestPackFor(tenant, by, p) };
    }
    case ProcurementActions.open: {
      const { p } = parse(ProcurementPayloadSchema, call.payload);
      return { kind: 'view', view: await procurement.open(tenant, by, p) };
    }
    case ProcurementActions.scan: {
      const { p } = parse(ProcurementPayloadSchema, call.payload);
      await scans.open({ tenant, by, id: p, surface });
      return { kind: 'none' };
    }
    case ProcurementActions.sort: {
      const { p, c, set } = parse(SortPayloadSchema, call.payload);
      await scans.sort({ tenant, by, id: p, consequence: c, set, surface });
      return { kind: 'none' };
    }
    case ProcurementActions.addConsequence: {
      const { p } = parse(ProcurementPayloadSchema, call.payload);
      await scans.add({ tenant, by, id: p, text: call.text ?? '', surface });
      return { kind: 'none' };
    }
    case ProcurementActions.closeScan: {
      const { p } = parse(ProcurementPayloadSchema, call.payload);
      await scans.close({ tenant, by, id: p, surface });
      return { kind: 'none' };
    }
    default:
      return undefined;
  }
}

export interface ProcurementSubmit {
  tenant: string;
  by: Actor;
  formId: string;
  payload: unknown;
  values: FormValues;
  surface: ConversationSurface;
  timeZone?: string;
  people?: UserRef[];
}

/**
 * A submitted procurement form: the confirmation, or the form again with errors beside the fields, and `after`:
 * the thread's redraw, for the platform to run once it has answered (a Slack modal must be answered in 3 s).
 */
export type ProcurementOutcome =
  /** `confirmation` for the person who submitted; none when the thread shows it all (a new checklist). */
  { ok: true; confirmation?: View; after: () => Promise<void> } | { ok: false; form: FormView };

export async function submitProcurementForm(
  services: ProcurementServices,
  call: ProcurementSubmit,
): Promise<ProcurementOutcome | undefined> {
  const { procurement } = services;
  const { tenant, by, values } = call;
  let saved: Saved;
  switch (call.formId) {
    case ProcurementActions.submitStart: {
      const { d } = parse(StartPayloadSchema, call.payload);
      saved = await procurement.start({
        tenant,
        by,
        dialogueId: d,
        values,
        timeZone: call.timeZone,
        people: call.people,
      });
      break;
    }
    case ProcurementActions.submitUpdate: {
      const { p } = parse(ProcurementPayloadSchema, call.payload);
      saved = await procurement.update({ tenant, by, id: p, values, people: call.people });
      break;
    }
    case ProcurementActions.submitEvidence: {
      const { p } = parse(ProcurementPayloadSchema, call.payload);
      saved = await procurement.attachEvidence({ tenant, by, id: p, values });
      break;
    }
    default:
      return undefined;
  }
  if (!saved.ok) return saved;
  const { procurement: p, confirmation } = saved;
  const after = () => procurement.publish(p, call.surface);
  return call.formId === ProcurementActions.submitStart ? { ok: true, after } : { ok: true, confirmation, after };
}

export const PROCUREMENT_FORMS: readonly string[] = [
  ProcurementActions.submitStart,
  ProcurementActions.submitUpdate,
  ProcurementActions.submitEvidence,
];

/** A button or form whose payload does not parse is stale or tampered with: say so, don't crash. */
function parse<S extends z.ZodTypeAny>(schema: S, payload: unknown): z.infer<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new BadInputError('That button could not be read. Please use the latest message.');
  return parsed.data;
}
