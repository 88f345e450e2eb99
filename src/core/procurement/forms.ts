/** Reading the checklist's forms: each value checked, each mistake said beside its field. */
import { addMonths, compareDates, isLocalDate, type LocalDate } from '../calendar.js';
import { type FieldErrors, resolveUser, textValue, tooLong } from '../form-values.js';
import type { FormValues, UserRef } from '../view.js';
import type { ItemChange } from './checklist.js';
import { type ChecklistItem, type Procurement, type Proof, REASON_MAX, URL_MAX } from './procurement.js';

/** Planned award dates further out than this are a typo. */
export const MAX_AWARD_YEARS = 5;

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/**
 * A link to a proof: https only (a document store, a Slack or SharePoint file link), capped before it is parsed,
 * and shown as a link whose address the renderer escapes.
 */
export function parseProofUrl(raw: string): { url: string } | { error: string } {
  if (raw.length > URL_MAX) return { error: `Keep the link under ${URL_MAX} characters.` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: 'That is not a link. Paste the whole address, starting https://' };
  }
  if (url.protocol !== 'https:') return { error: 'Links must start https:// so they open safely for everyone.' };
  if (url.username || url.password) return { error: 'Leave the user name and password out of the link.' };
  return { url: url.href.slice(0, URL_MAX) };
}

export function parseStart(
  values: FormValues,
  input: { today: LocalDate; known: UserRef[]; fallbackOwner: UserRef },
): Parsed<{ awardDate: LocalDate; owner: UserRef }> {
  const errors: FieldErrors = {};
  const award = textValue(values, 'award');
  if (!isLocalDate(award)) errors.award = 'Give the planned award date.';
  else if (compareDates(award, input.today) < 0) errors.award = 'The planned award date is in the past.';
  else if (compareDates(award, addMonths(input.today, MAX_AWARD_YEARS * 12)) > 0) {
    errors.award = `The planned award date is more than ${MAX_AWARD_YEARS} years away.`;
  }
  const ownerText = textValue(values, 'owner');
  const owner = ownerText ? resolveUser(ownerText.slice(0, 200), input.known) : input.fallbackOwner;
  if (!owner) errors.owner = 'Choose who owns the items.';
  if (Object.keys(errors).length || !owner) return { ok: false, errors };
  return { ok: true, value: { awardDate: award, owner } };
}

export interface ItemUpdate {
  item: ChecklistItem;
  change?: ItemChange;
  owner?: UserRef;
  due?: LocalDate;
}

function proofOf(values: FormValues, errors: FieldErrors, field: string): Proof | undefined {
  const raw = textValue(values, field);
  if (!raw) return undefined;
  const parsed = parseProofUrl(raw);
  if ('error' in parsed) {
    errors[field] = parsed.error;
    return undefined;
  }
  return { url: parsed.url };
}

export function parseUpdate(
  values: FormValues,
  input: { procurement: Procurement; today: LocalDate; known: UserRef[] },
): Parsed<ItemUpdate> {
  const errors: FieldErrors = {};
  const item = input.procurement.items.find((i) => i.id === textValue(values, 'item'));
  if (!item) errors.item = 'Choose the item.';
  const choice = textValue(values, 'change') || 'done';
  const reason = textValue(values, 'reason');
  const long = tooLong(reason, REASON_MAX, 'the reason');
  if (long) errors.reason = long;
  const proof = proofOf(values, errors, 'proof');
  let change: ItemChange | undefined;
  switch (choice) {
    case 'done':
      change = { kind: 'done', ...(proof ? { proof } : {}) };
      break;
    case 'waive':
    case 'na':
      if (!reason) errors.reason = choice === 'waive' ? 'Say why it is waived.' : 'Say why it does not apply.';
      change = { kind: choice, reason };
      break;
    case 'reopen':
      change = { kind: 'reopen', ...(reason ? { reason } : {}) };
      break;
    case 'keep':
      break;
    default:
      errors.change = 'Choose what happened.';
  }
  const ownerText = textValue(values, 'owner');
  const owner = ownerText ? resolveUser(ownerText.slice(0, 200), input.known) : undefined;
  const dueText = textValue(values, 'due');
  let due: LocalDate | undefined;
  if (dueText) {
    if (!isLocalDate(dueText)) errors.due = 'Give the date as YYYY-MM-DD.';
    else if (compareDates(dueText, input.today) < 0) errors.due = 'The new due date is in the past.';
    else due = dueText;
  }
  if (choice === 'keep' && !owner && !due && !errors.due) {
    errors.change = 'Choose what happened, or give a new owner or due date.';
  }
  if (Object.keys(errors).length || !item) return { ok: false, errors };
  return {
    ok: true,
    value: { item, ...(change ? { change } : {}), ...(owner ? { owner } : {}), ...(due ? { due } : {}) },
  };
}

export function parseEvidence(
  values: FormValues,
  procurement: Procurement,
): Parsed<{ item: ChecklistItem; proof: Proof }> {
  const errors: FieldErrors = {};
  const item = procurement.items.find((i) => i.id === textValue(values, 'item'));
  if (!item) errors.item = 'Choose the evidence item.';
  const note = textValue(values, 'note');
  const long = tooLong(note, REASON_MAX, 'the note');
  if (long) errors.note = long;
  const proof = proofOf(values, errors, 'proof');
  if (!proof && !errors.proof) errors.proof = 'Paste the link to the document.';
  if (Object.keys(errors).length || !item || !proof) return { ok: false, errors };
  return { ok: true, value: { item, proof: { ...proof, ...(note ? { note } : {}) } } };
}
