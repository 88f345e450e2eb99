/**
 * Reading submitted form values. Platforms differ in small ways: a Slack modal sends multi-selects as lists and
 * its user picker as a user id; a Teams card sends a multi-select as one comma-separated string and a person as
 * a typed name. These helpers accept both.
 */
import type { FormValues, UserRef } from '../view.js';

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

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
export const USER_MAX = 100;

/**
 * A person from a user field: someone already known (by id or, as typed in Teams, by name), a Slack user id from
 * the user picker, or else a name typed by hand, kept as a name ('name:' marks that the id is not a platform id).
 */
export function resolveUser(raw: string, known: UserRef[]): UserRef | undefined {
  const value = raw.trim();
  if (!value) return undefined;
  const lower = value.toLowerCase();
  const match = known.find((ref) => ref.id === value || ref.name?.trim().toLowerCase() === lower);
  if (match) return match;
  if (SLACK_USER_ID.test(value)) return { id: value };
  return { id: `name:${value}`, name: value };
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
