import type { Inline, Paragraph, View, ViewAction, ViewBlock } from '../../../core/view.js';

/**
 * Adaptive Cards 1.5 from the neutral view. All text goes into RichTextBlock TextRuns, which hosts never parse
 * as Markdown, so user text cannot format, link or mention. The one exception is the bot's own `mention` of a
 * person (an escalation): a TextBlock under the paragraph holding only `<at>Name</at>` tags, with names cut to
 * plain letters, each backed by an entry in `msteams.entities` naming the person's Entra object id. Every button is
 * an `Action.Execute` with an explicit verb.
 */

export type Card = Record<string, unknown>;
type Element = Record<string, unknown>;

const ZWSP = '\u200b';

export interface CardOptions {
  /** IANA zone for dates (from the reader's conversation); UTC when unknown. */
  timeZone?: string;
  locale?: string;
}

/** Text as a literal run: `<at>` would only become a mention with an entity, but break it anyway. */
export function plain(text: string): string {
  return text.replace(/<(?=\/?at\b)/gi, `<${ZWSP}`);
}

/** A mention Teams will notify: the text in the card and its entity. */
interface Mention {
  text: string;
  id: string;
  name: string;
}

/** Ids Teams can mention: an Entra object id, or a Teams user id (`29:…`). Typed names are never mentioned. */
const MENTIONABLE = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|29:[\w-]{1,200})$/i;

/** A name safe inside `<at>…</at>` in a Markdown TextBlock: letters, digits, spaces and a little punctuation. */
function mentionName(name: string | undefined): string {
  const clean = (name ?? '')
    .slice(0, 100)
    .replace(/[^\p{L}\p{N} .'-]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 64);
  return clean || 'colleague';
}

function mentionsIn(content: Paragraph): Mention[] {
  return content.flatMap((part) => {
    if (typeof part !== 'object' || !('mention' in part) || !MENTIONABLE.test(part.mention.id)) return [];
    const name = mentionName(part.mention.name);
    return [{ text: `<at>${name}</at>`, id: part.mention.id, name }];
  });
}

function runs(content: Paragraph, options: CardOptions, base: Element = {}): Element[] {
  return content.map((part) => run(part, options, base)).filter((r) => typeof r.text === 'string' && r.text !== '');
}

function run(part: Inline, options: CardOptions, base: Element): Element {
  const textRun = (text: string, extra: Element = {}) => ({ type: 'TextRun', text: plain(text), ...base, ...extra });
  if (typeof part === 'string') return textRun(part);
  if ('strong' in part) return textRun(part.strong, { weight: 'Bolder' });
  if ('em' in part) return textRun(part.em, { italic: true });
  if ('code' in part) return textRun(part.code, { fontType: 'Monospace' });
  if ('user' in part) return textRun(part.user.name ?? 'a colleague', { weight: 'Bolder' });
  if ('mention' in part) return textRun(part.mention.name ?? 'a colleague', { weight: 'Bolder' });
  if ('channel' in part) return textRun(part.channel.name ?? 'this channel', { weight: 'Bolder' });
  if ('link' in part) {
    return textRun(part.link.label, { underline: true, selectAction: { type: 'Action.OpenUrl', url: part.link.url } });
  }
  return textRun(formatDate(part.date.at, part.date.style, options));
}

export function formatDate(at: number, style: 'date' | 'datetime', options: CardOptions): string {
  const timeZone = options.timeZone ?? 'UTC';
  const format = new Intl.DateTimeFormat(options.locale ?? 'en-GB', {
    dateStyle: 'medium',
    ...(style === 'datetime' ? { timeStyle: 'short' } : {}),
    timeZone,
  });
  return `${format.format(new Date(at))}${timeZone === 'UTC' ? ' UTC' : ''}`;
}

/** Card-wide state while rendering: the mentions to declare in `msteams.entities`. */
interface Rendering extends CardOptions {
  mentions: Mention[];
}

/** A paragraph as a RichTextBlock, followed by a TextBlock of its mentions when it notifies anyone. */
function paragraph(content: Paragraph, options: Rendering, extra: Element = {}, base: Element = {}): Element[] {
  const inlines = runs(content, options, base);
  if (inlines.length === 0) return [];
  const out: Element[] = [{ type: 'RichTextBlock', inlines, ...extra }];
  const mentions = mentionsIn(content);
  if (mentions.length > 0) {
    for (const m of mentions) {
      if (!options.mentions.some((known) => known.text === m.text && known.id === m.id)) options.mentions.push(m);
    }
    out.push({
      type: 'TextBlock',
      text: mentions.map((m) => m.text).join(' '),
      wrap: true,
      spacing: 'None',
      size: 'Small',
    });
  }
  return out;
}

function blockElements(block: ViewBlock, options: Rendering): Element[] {
  switch (block.type) {
    case 'text':
      return paragraph(block.content, options);
    case 'context':
      return paragraph(block.content, options, { spacing: 'Small' }, { isSubtle: true, size: 'Small' });
    case 'list':
      return block.items.flatMap((item) => paragraph(['• ', ...item], options, { spacing: 'Small' }));
    case 'facts':
      return block.items.flatMap((fact) =>
        paragraph([{ strong: `${fact.label}: ` }, ...fact.value], options, { spacing: 'Small' }),
      );
    case 'divider':
      return [{ type: 'Container', separator: true, spacing: 'Medium', items: [] }];
    case 'actions':
      return block.actions.length ? [{ type: 'ActionSet', spacing: 'Small', actions: block.actions.map(execute) }] : [];
  }
}

function execute(action: ViewAction): Element {
  return {
    type: 'Action.Execute',
    title: plain(action.label),
    verb: action.id,
    data: action.value,
    ...(action.style === 'primary' ? { style: 'positive' } : action.style === 'danger' ? { style: 'destructive' } : {}),
  };
}

export function renderCard(view: View, cardOptions: CardOptions = {}): Card {
  const options: Rendering = { ...cardOptions, mentions: [] };
  const body: Element[] = [];
  if (view.heading) body.push(...paragraph([{ strong: view.heading }], options, {}, { size: 'Medium' }));
  for (const block of view.blocks) body.push(...blockElements(block, options));
  const actions: ViewAction[] = [];
  if (view.input?.kind === 'multi') {
    const { input } = view;
    body.push({
      type: 'Input.ChoiceSet',
      id: input.inputId,
      label: 'Select all that apply',
      isMultiSelect: true,
      style: 'expanded',
      choices: input.options.map((option) => ({ title: plain(option.label), value: option.id })),
      ...(input.initial?.length ? { value: input.initial.join(',') } : {}),
    });
    actions.push(input.confirm);
  }
  if (view.input?.kind === 'text') {
    body.push({
      type: 'Input.Text',
      id: view.input.inputId,
      label: 'Your answer',
      placeholder: plain(view.input.placeholder),
      maxLength: view.input.maxLength,
      isMultiline: true,
    });
    actions.push(view.input.submit);
  }
  actions.push(...(view.actions ?? []));
  // Many choices read best as a vertical list of full-width buttons; a few fit on one row.
  if (actions.length > 3) {
    for (const action of actions) body.push({ type: 'ActionSet', actions: [execute(action)] });
  } else if (actions.length > 0) {
    body.push({ type: 'ActionSet', actions: actions.map(execute) });
  }
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: plain(view.fallback).slice(0, 1000),
    body,
    ...(options.mentions.length
      ? {
          msteams: {
            entities: options.mentions.map((m) => ({
              type: 'mention',
              text: m.text,
              mentioned: { id: m.id, name: m.name },
            })),
          },
        }
      : {}),
  };
}
