import type { Inline, Paragraph, View, ViewAction, ViewBlock } from '../../../core/view.js';

/**
 * Adaptive Cards 1.5 from the neutral view. All text goes into RichTextBlock TextRuns, which hosts never parse
 * as Markdown, so user text cannot format, link or mention (a mention would also need `msteams.entities`,
 * which the bot never sends). Every button is an `Action.Execute` with an explicit verb.
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

function paragraph(
  content: Paragraph,
  options: CardOptions,
  extra: Element = {},
  base: Element = {},
): Element | undefined {
  const inlines = runs(content, options, base);
  return inlines.length ? { type: 'RichTextBlock', inlines, ...extra } : undefined;
}

function blockElements(block: ViewBlock, options: CardOptions): Element[] {
  switch (block.type) {
    case 'text':
      return compact([paragraph(block.content, options)]);
    case 'context':
      return compact([paragraph(block.content, options, { spacing: 'Small' }, { isSubtle: true, size: 'Small' })]);
    case 'list':
      return compact(block.items.map((item) => paragraph(['• ', ...item], options, { spacing: 'Small' })));
    case 'facts':
      return compact(
        block.items.map((fact) =>
          paragraph([{ strong: `${fact.label}: ` }, ...fact.value], options, { spacing: 'Small' }),
        ),
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

export function renderCard(view: View, options: CardOptions = {}): Card {
  const body: Element[] = [];
  if (view.heading) {
    body.push(compact([paragraph([{ strong: view.heading }], options, {}, { size: 'Medium' })])[0]!);
  }
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
  };
}

function compact<T>(items: (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}
