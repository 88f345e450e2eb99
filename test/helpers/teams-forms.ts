/** Card forms on Teams, as a person uses them: open the form behind a button, fill it in, submit; read the errors. */
import { expect } from 'vitest';
import type { ConnectorMessage } from '../support/fake-connector.js';
import { ALICE, type TeamsUser } from '../support/teams-activities.js';
import { cardAction, cardInputs, invokeCard, type TeamsContracts } from './contracts-driver.js';
import { type CardAction, cardActions } from './teams-harness.js';

/** Opens the card form behind `verb` on `message` as `user`, submits it with `values`; the invoke's answer. */
export async function viaForm(
  teams: TeamsContracts,
  message: ConnectorMessage,
  verb: string | CardAction,
  values: Record<string, string>,
  user: TeamsUser = ALICE,
) {
  const form = await postedBy(teams, message, verb, user);
  // A form card's one action is its submit.
  const submit = cardActions(form.cards[0]).at(-1)!;
  const result = await teams.execute(form, submit, { ...cardInputs(form.cards[0]), ...values }, user);
  expect(result.status).toBe(200);
  return { form, result };
}

/** The errors a form card came back with (the lines beside its fields), or [] when it was accepted. */
export function errorsOf(result: Awaited<ReturnType<typeof viaForm>>['result']): string[] {
  type Run = { text?: string; color?: string };
  const card = invokeCard(result) as { body?: { type?: string; inlines?: Run[] }[] } | undefined;
  return (card?.body ?? [])
    .filter((b) => b.type === 'RichTextBlock')
    .flatMap((b) => b.inlines ?? [])
    .filter((run) => run.color === 'Attention')
    .map((run) => run.text ?? '');
}

/** A message in the person's personal chat with the bot; the card it answered with. */
export async function personal(teams: TeamsContracts, text: string, user: TeamsUser): Promise<ConnectorMessage> {
  const before = teams.connector.calls.length;
  const result = await teams.harness.say(text, { type: 'personal', user });
  expect(result.status).toBe(200);
  const sent = (calls: typeof teams.connector.calls) =>
    calls.slice(before).find((c) => ['send', 'reply'].includes(c.method));
  await teams.connector.waitFor((calls) => sent(calls) !== undefined, 5000, `the answer to ${text}`);
  const id = sent(teams.connector.calls)?.activityId;
  const found = teams.connector.state().find((m) => m.activityId === id);
  if (!found) throw new Error('no answer card');
  return found;
}

/** Clicks `verb` on `message` and returns the card it posted in the conversation (a form, a contract). */
export async function postedBy(
  teams: TeamsContracts,
  message: ConnectorMessage,
  verb: string | CardAction,
  user: TeamsUser = ALICE,
): Promise<ConnectorMessage> {
  const before = teams.connector.calls.length;
  const action = typeof verb === 'string' ? cardAction(message.cards[0], verb) : verb;
  await teams.execute(message, action, undefined, user);
  await teams.connector.waitFor(
    (calls) => calls.slice(before).some((c) => ['send', 'reply'].includes(c.method) && c.status < 300),
    5000,
    `the card behind ${action.verb}`,
  );
  const id = teams.connector.calls.slice(before).find((c) => ['send', 'reply'].includes(c.method))?.activityId;
  const posted = teams.connector.state().find((m) => m.activityId === id);
  if (!posted) throw new Error('no card posted');
  return posted;
}
