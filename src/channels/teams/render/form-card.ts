import { PICKED_USER } from '../../../core/form-values.js';
import type { FormField, FormValues, FormView } from '../../../core/view.js';
import { type Card, type CardOptions, plain, renderCard } from './cards.js';

/**
 * Adaptive Card forms from the neutral form: one input per field, each followed by its error (if any) in the
 * Attention colour, and one `Action.Execute` that submits them. Teams merges the inputs into the action's data;
 * multi-selects arrive as "a,b", so the card names them (`_multi`) for `formValues` to split.
 */
const MULTI = '_multi';
/** The fields that are people: their values (Entra object ids) come back as `user:<id>`, as Slack's picker does. */
const USERS = '_users';
/** A person's id as a picker submits it (an Entra object id; a typed name never reaches a choice set). */
const PERSON_ID = /^[\w:.@-]{1,100}$/;

function input(field: FormField): Record<string, unknown> {
  // A required input needs its own message for hosts that check before sending (ours are checked again after).
  const common = {
    id: field.id,
    label: plain(field.label),
    ...(field.optional ? {} : { isRequired: true, errorMessage: plain(`${field.label}: required`) }),
  };
  switch (field.kind) {
    case 'text':
      return {
        type: 'Input.Text',
        ...common,
        ...(field.initial ? { value: field.initial } : {}),
        ...(field.placeholder ? { placeholder: plain(field.placeholder) } : {}),
        ...(field.maxLength ? { maxLength: field.maxLength } : {}),
        ...(field.multiline ? { isMultiline: true } : {}),
      };
    case 'date':
      return { type: 'Input.Date', ...common, ...(field.initial ? { value: field.initial } : {}) };
    case 'select':
      return {
        type: 'Input.ChoiceSet',
        ...common,
        style: 'compact',
        choices: field.options.map((o) => ({ title: plain(o.label), value: o.id })),
        ...(field.initial ? { value: field.initial } : {}),
      };
    case 'multiselect':
      return {
        type: 'Input.ChoiceSet',
        ...common,
        style: 'compact',
        isMultiSelect: true,
        choices: field.options.map((o) => ({ title: plain(o.label), value: o.id })),
        ...(field.initial?.length ? { value: field.initial.join(',') } : {}),
      };
    case 'user': {
      // Teams' people picker searches the organisation's directory and submits the person's Entra object id. The
      // person proposed (the one registering) is offered as a choice too, for hosts without the directory search.
      const initial = field.initial && !field.initial.id.startsWith('name:') ? field.initial : undefined;
      return {
        type: 'Input.ChoiceSet',
        ...common,
        style: 'compact',
        placeholder: 'Search for a person',
        choices: initial ? [{ title: plain(initial.name ?? 'Me'), value: initial.id }] : [],
        'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
        ...(initial ? { value: initial.id } : {}),
      };
    }
  }
}

export function renderFormCard(form: FormView, options: CardOptions = {}): Card {
  const card = renderCard(
    { fallback: form.title, heading: form.title, blocks: form.intro ? [{ type: 'text', content: form.intro }] : [] },
    options,
  );
  const body = card.body as Record<string, unknown>[];
  for (const field of form.fields) {
    body.push(input(field));
    if (field.hint) body.push(textBlock(field.hint, { isSubtle: true, size: 'Small' }));
    const error = form.errors?.[field.id];
    if (error) body.push(textBlock(error, { color: 'Attention' }));
  }
  const multi = form.fields.filter((f) => f.kind === 'multiselect').map((f) => f.id);
  const users = form.fields.filter((f) => f.kind === 'user').map((f) => f.id);
  body.push({
    type: 'ActionSet',
    actions: [
      {
        type: 'Action.Execute',
        title: plain(form.submit.label),
        verb: form.submit.id,
        data: { ...form.submit.value, [MULTI]: multi.join(','), [USERS]: users.join(',') },
        style: 'positive',
      },
    ],
  });
  return card;
}

function textBlock(text: string, run: Record<string, unknown>): Record<string, unknown> {
  return { type: 'RichTextBlock', spacing: 'Small', inlines: [{ type: 'TextRun', text: plain(text), ...run }] };
}

/** The submitted values of a form card, multi-selects split back into lists. */
export function formValues(data: Record<string, unknown>): FormValues {
  const names = (key: string) => new Set(typeof data[key] === 'string' ? data[key].split(',').filter(Boolean) : []);
  const multi = names(MULTI);
  const users = names(USERS);
  const out: FormValues = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === MULTI || key === USERS || typeof value !== 'string') continue;
    if (multi.has(key)) out[key] = value.split(',').filter(Boolean);
    else if (users.has(key) && PERSON_ID.test(value.trim())) out[key] = `${PICKED_USER}${value.trim()}`;
    else out[key] = value;
  }
  return out;
}
