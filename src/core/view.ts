/**
 * A small platform-neutral message model. The core returns these; `channels/slack/render` turns them into
 * Block Kit and `channels/teams/render` into Adaptive Cards. Text is always data, never markup: renderers
 * escape every string, so user text can never ping anyone or inject formatting.
 */

/** A person on a chat platform: the id is the platform's own user id. */
export interface UserRef {
  id: string;
  name?: string;
}

/** One run of inline content. Plain strings are escaped by the renderer. */
export type Inline =
  | string
  | { strong: string }
  | { em: string }
  | { code: string }
  /** A person named: Slack links them (`<@U…>`); Teams shows the name without notifying anyone. */
  | { user: UserRef }
  /** A person who must be told (an escalation): Slack `<@U…>`, a real Teams mention with its entity. */
  | { mention: UserRef }
  /** A channel reference; Slack renders a link, platforms without one show the name. */
  | { channel: { id: string; name?: string } }
  | { link: { url: string; label: string } }
  /** A moment shown in each reader's own time zone where the platform can (Slack `<!date^…>`). */
  | { date: { at: number; style: 'date' | 'datetime' } };

export type Paragraph = Inline[];

export type ViewBlock =
  | { type: 'text'; content: Paragraph }
  | { type: 'context'; content: Paragraph }
  | { type: 'facts'; items: { label: string; value: Paragraph }[] }
  | { type: 'list'; items: Paragraph[] }
  /** Buttons that belong to the block above (one row per item in a list of items). */
  | { type: 'actions'; actions: ViewAction[] }
  | { type: 'divider' };

/** A button. `id` is a constant from the feature's action ids; `value` is a small JSON payload. */
export interface ViewAction {
  id: string;
  label: string;
  value: Record<string, unknown>;
  style?: 'primary' | 'danger';
}

/** Choices the reader picks from on the message itself. */
export type ViewInput =
  /** Several options at once, confirmed by `confirm`; `exclusive` options are separate buttons in `actions`. */
  | {
      kind: 'multi';
      inputId: string;
      options: { id: string; label: string }[];
      initial?: string[];
      confirm: ViewAction;
    }
  /** Free text. Slack takes it as a reply in the thread; Teams as an input on the card. */
  | { kind: 'text'; inputId: string; placeholder: string; maxLength: number; submit: ViewAction };

export interface View {
  /** Plain-text notification fallback (push notifications, screen readers, search). */
  fallback: string;
  heading?: string;
  blocks: ViewBlock[];
  input?: ViewInput;
  actions?: ViewAction[];
}

/** A paragraph as plain text, for notification fallbacks and platforms' one-line notes. */
export function plainText(content: Paragraph): string {
  return content
    .map((part) => {
      if (typeof part === 'string') return part;
      if ('strong' in part) return part.strong;
      if ('em' in part) return part.em;
      if ('code' in part) return part.code;
      if ('user' in part) return part.user.name ?? part.user.id;
      if ('mention' in part) return part.mention.name ?? part.mention.id;
      if ('channel' in part) return part.channel.name ?? part.channel.id;
      if ('link' in part) return part.link.label;
      return new Date(part.date.at)
        .toISOString()
        .slice(0, part.date.style === 'date' ? 10 : 16)
        .replace('T', ' ');
    })
    .join('');
}

/** Shorthand for a view that is one paragraph of text. */
export function textView(fallback: string, content: Paragraph = [fallback]): View {
  return { fallback, blocks: [{ type: 'text', content }] };
}

/** One field of a form (a Slack modal, a Teams card with inputs). Values travel as strings or string lists. */
export type FormField =
  | {
      kind: 'text';
      id: string;
      label: string;
      initial?: string;
      placeholder?: string;
      maxLength?: number;
      optional?: boolean;
      multiline?: boolean;
      hint?: string;
    }
  | { kind: 'date'; id: string; label: string; initial?: string; optional?: boolean; hint?: string }
  | {
      kind: 'select';
      id: string;
      label: string;
      options: { id: string; label: string }[];
      initial?: string;
      optional?: boolean;
      hint?: string;
    }
  | {
      kind: 'multiselect';
      id: string;
      label: string;
      options: { id: string; label: string }[];
      initial?: string[];
      max?: number;
      optional?: boolean;
      hint?: string;
    }
  /** A person. Slack offers its user picker (submitted as `user:<id>`); elsewhere it is a typed name. */
  | { kind: 'user'; id: string; label: string; initial?: UserRef; optional?: boolean; hint?: string };

export type FormValues = Record<string, string | string[] | undefined>;

/**
 * A form. `submit.id` is the action id (Slack callback_id, Teams verb) and `submit.value` its payload (e.g. which
 * triage or contract it belongs to). `errors` maps field ids to messages shown beside the fields.
 */
export interface FormView {
  title: string;
  intro?: Paragraph;
  fields: FormField[];
  submit: ViewAction;
  errors?: Record<string, string>;
}
