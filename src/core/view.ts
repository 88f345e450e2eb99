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
  | { user: UserRef }
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

/** Shorthand for a view that is one paragraph of text. */
export function textView(fallback: string, content: Paragraph = [fallback]): View {
  return { fallback, blocks: [{ type: 'text', content }] };
}
