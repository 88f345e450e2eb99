/**
 * Reading submitted form values. Platforms differ in small ways: a Slack modal sends multi-selects as lists and
 * a person picked in its user picker as `user:<id>`; a Teams card sends a multi-select as one comma-separated
 * string and a person as a typed name. These helpers accept both.
 */
import type { FormField, FormValues, FormView, UserRef } from './view.js';

export type FieldErrors = Record<string, string>;

export function textValue(values: FormValues, id: string): string {
  const value = values[id];
  const text = Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
  return text.trim();
}

export function listValue(values: FormValues, id: string): string[] {
  const value = values[id];
  const items = Array.isArray(value) ? value : (value ?? '').split(',');
  return [...new Set(items.map((item) => item.trim()).filter(Boolean))];
}

/** How a platform submits a person picked from its user picker: `user:<platform user id>`. */
export const PICKED_USER = 'user:';
export const USER_MAX = 100;

/**
 * A person from a user field. The platform says what it sends: `user:<id>` is someone picked by id (known people
 * keep their names); anything else is a name typed by hand, matched to a known person by name or else kept as a
 * name ('name:' marks that the id is not a platform id). So a typed "WALES" is never read as a Slack id.
 */
export function resolveUser(raw: string, known: UserRef[]): UserRef | undefined {
  const value = raw.trim();
  if (value.startsWith(PICKED_USER)) {
    const id = value.slice(PICKED_USER.length).trim();
    return id ? (known.find((ref) => ref.id === id) ?? { id }) : undefined;
  }
  if (!value) return undefined;
  const lower = value.toLowerCase();
  return known.find((ref) => ref.name?.trim().toLowerCase() === lower) ?? { id: `name:${value}`, name: value };
}

/** The value a user field shows when the form is drawn again: the id for a platform user, else the name. */
export function userInitial(
  values: FormValues | undefined,
  id: string,
  known: UserRef[],
  fallback: UserRef,
): UserRef | undefined {
  if (!values || values[id] === undefined) return fallback;
  return resolveUser(textValue(values, id), known);
}

export function tooLong(text: string, max: number, what: string): string | undefined {
  return text.length > max ? `Keep ${what} under ${max} characters (it is ${text.length}).` : undefined;
}

/** The longest value a form shows again for a field without a limit of its own. */
const ECHO_MAX = 2000;

/**
 * A form drawn again after a mistake shows what was typed, but never more than its field takes: an oversized paste
 * (refused beside the field) would otherwise come back whole, past what a card or modal can carry.
 */
export function capInitials(form: FormView): FormView {
  const cut = (text: string | undefined, max: number) => (text === undefined ? undefined : text.slice(0, max));
  const fields = form.fields.map((field): FormField => {
    if (field.kind === 'text') return { ...field, initial: cut(field.initial, field.maxLength ?? ECHO_MAX) };
    if (field.kind === 'date' || field.kind === 'select') return { ...field, initial: cut(field.initial, 100) };
    if (field.kind === 'multiselect') {
      return { ...field, initial: field.initial?.slice(0, field.options.length).map((v) => v.slice(0, 100)) };
    }
    if (!field.initial) return field;
    return { ...field, initial: { id: field.initial.id.slice(0, USER_MAX), name: cut(field.initial.name, USER_MAX) } };
  });
  return { ...form, fields };
}
