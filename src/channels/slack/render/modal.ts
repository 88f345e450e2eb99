import type { FormField, FormValues, FormView } from '../../../core/view.js';
import { paragraph, plainText, truncate } from './mrkdwn.js';

/**
 * Slack modals from the neutral form. Block ids are the field ids, so `response_action: errors` can put each
 * message beside its field, and the submitted values come back keyed the same way.
 */

type Block = Record<string, unknown>;

const option = (o: { id: string; label: string }) => ({
  text: { type: 'plain_text', text: plainText(o.label, 75) },
  value: o.id,
});

function element(field: FormField): Record<string, unknown> {
  const action_id = field.id;
  switch (field.kind) {
    case 'text':
      return {
        type: 'plain_text_input',
        action_id,
        ...(field.multiline ? { multiline: true } : {}),
        ...(field.maxLength ? { max_length: field.maxLength } : {}),
        ...(field.initial ? { initial_value: truncate(field.initial, field.maxLength ?? 3000) } : {}),
        ...(field.placeholder ? { placeholder: { type: 'plain_text', text: plainText(field.placeholder, 150) } } : {}),
      };
    case 'date':
      return { type: 'datepicker', action_id, ...(field.initial ? { initial_date: field.initial } : {}) };
    case 'select': {
      const options = field.options.slice(0, 100).map(option);
      const initial = options.find((o) => o.value === field.initial);
      return { type: 'static_select', action_id, options, ...(initial ? { initial_option: initial } : {}) };
    }
    case 'multiselect': {
      const options = field.options.slice(0, 100).map(option);
      const initial = options.filter((o) => field.initial?.includes(o.value));
      return {
        type: 'multi_static_select',
        action_id,
        options,
        ...(initial.length ? { initial_options: initial } : {}),
        ...(field.max ? { max_selected_items: field.max } : {}),
      };
    }
    case 'user':
      return {
        type: 'users_select',
        action_id,
        ...(field.initial && /^[UW][A-Z0-9]+$/.test(field.initial.id) ? { initial_user: field.initial.id } : {}),
      };
  }
}

export function renderModal(form: FormView, privateMetadata: string): Record<string, unknown> {
  const blocks: Block[] = [];
  if (form.intro)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(paragraph(form.intro), 3000) } });
  for (const field of form.fields) {
    blocks.push({
      type: 'input',
      block_id: field.id,
      label: { type: 'plain_text', text: plainText(field.label, 2000) },
      element: element(field),
      ...(field.optional ? { optional: true } : {}),
      ...(field.hint ? { hint: { type: 'plain_text', text: plainText(field.hint, 2000) } } : {}),
    });
  }
  return {
    type: 'modal',
    callback_id: form.submit.id,
    private_metadata: privateMetadata,
    title: { type: 'plain_text', text: plainText(form.title, 24) },
    // A form without fields only explains something: it closes, it does not submit.
    ...(form.fields.length ? { submit: { type: 'plain_text', text: plainText(form.submit.label, 24) } } : {}),
    close: { type: 'plain_text', text: form.fields.length ? 'Cancel' : 'Close' },
    blocks: blocks.slice(0, 100),
  };
}

/** Field errors for `response_action: errors`, keyed by block id (= field id). */
export function modalErrors(errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([id, message]) => [id, truncate(message, 2000)]));
}

type StateValue = {
  type?: string;
  value?: string | null;
  selected_date?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: { value?: string }[] | null;
  selected_user?: string | null;
};

/** The submitted values, keyed by field id, from `view.state.values`. */
export function modalValues(values: Record<string, Record<string, StateValue>>): FormValues {
  const out: FormValues = {};
  for (const [blockId, actions] of Object.entries(values)) {
    const state = actions[blockId] ?? Object.values(actions)[0];
    if (!state) continue;
    if (state.selected_options) out[blockId] = state.selected_options.map((o) => o.value ?? '').filter(Boolean);
    else if (state.selected_option !== undefined) out[blockId] = state.selected_option?.value ?? undefined;
    else if (state.selected_date !== undefined) out[blockId] = state.selected_date ?? undefined;
    // A picked person arrives as `user:<id>`; the core reads anything else as a typed name.
    else if (state.selected_user !== undefined)
      out[blockId] = state.selected_user ? `user:${state.selected_user}` : undefined;
    else out[blockId] = state.value ?? undefined;
  }
  return out;
}
