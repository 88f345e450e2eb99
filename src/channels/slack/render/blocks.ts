import type { View, ViewAction, ViewBlock } from '../../../core/view.js';
import { paragraph, plainText, truncate } from './mrkdwn.js';

/** Block Kit from the neutral view, inside Slack's documented limits (checked again by the fake in tests). */

export type SlackBlock = Record<string, unknown>;

const LIMITS = {
  blocks: 50,
  section: 3000,
  field: 2000,
  fields: 10,
  button: 75,
  header: 150,
  actions: 25,
  checkboxes: 10,
};

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export function renderMessage(view: View): SlackMessage {
  const blocks: SlackBlock[] = [];
  if (view.heading)
    blocks.push({ type: 'header', text: { type: 'plain_text', text: plainText(view.heading, LIMITS.header) } });
  for (const block of view.blocks) blocks.push(...renderBlock(block));
  const buttons: SlackBlock[] = [];
  if (view.input?.kind === 'multi') {
    const { input } = view;
    const options = input.options.slice(0, LIMITS.checkboxes).map((option) => ({
      text: { type: 'plain_text', text: plainText(option.label, LIMITS.button) },
      value: option.id,
    }));
    const initial = options.filter((option) => input.initial?.includes(option.value));
    blocks.push({
      type: 'actions',
      block_id: input.inputId,
      elements: [
        {
          type: 'checkboxes',
          action_id: input.inputId,
          options,
          ...(initial.length ? { initial_options: initial } : {}),
        },
      ],
    });
    buttons.push(button(input.confirm, 0));
  }
  // Slack takes free text as a reply in the thread, so the card-only submit button is not drawn here.
  if (view.input?.kind === 'text') {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Reply in this thread with your answer.' }] });
  }
  for (const action of view.actions ?? []) buttons.push(button(action, buttons.length));
  for (let i = 0; i < buttons.length; i += LIMITS.actions) {
    blocks.push({ type: 'actions', elements: buttons.slice(i, i + LIMITS.actions) });
  }
  return { text: truncate(paragraph([view.fallback]), 3000), blocks: capBlocks(blocks) };
}

function button(action: ViewAction, index: number): SlackBlock {
  return {
    type: 'button',
    // action_ids must be unique within a block; the handler matches on the prefix before the colon.
    action_id: `${action.id}:${index}`,
    text: { type: 'plain_text', text: plainText(action.label, LIMITS.button) },
    value: JSON.stringify(action.value),
    ...(action.style ? { style: action.style } : {}),
  };
}

function renderBlock(block: ViewBlock): SlackBlock[] {
  switch (block.type) {
    case 'text':
      return sections(paragraph(block.content));
    case 'context':
      return [
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: truncate(paragraph(block.content) || ' ', LIMITS.section) }],
        },
      ];
    case 'list':
      return sections(block.items.map((item) => `• ${paragraph(item)}`).join('\n'));
    case 'facts': {
      const fields = block.items.map((item) => ({
        type: 'mrkdwn',
        text: truncate(`*${paragraph([item.label])}*\n${paragraph(item.value)}`, LIMITS.field),
      }));
      const out: SlackBlock[] = [];
      for (let i = 0; i < fields.length; i += LIMITS.fields)
        out.push({ type: 'section', fields: fields.slice(i, i + LIMITS.fields) });
      return out;
    }
    case 'divider':
      return [{ type: 'divider' }];
    case 'actions':
      return block.actions.length
        ? [{ type: 'actions', elements: block.actions.slice(0, LIMITS.actions).map((a, i) => button(a, i)) }]
        : [];
  }
}

/** Long text becomes several sections, split at line ends so no word is cut. */
function sections(text: string): SlackBlock[] {
  if (!text.trim()) return [];
  const out: SlackBlock[] = [];
  let rest = text;
  while (rest.length > LIMITS.section) {
    let cut = rest.lastIndexOf('\n', LIMITS.section);
    if (cut <= 0) cut = LIMITS.section;
    out.push(section(rest.slice(0, cut)));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  out.push(section(rest));
  return out;
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** Keep within 50 blocks, always keeping the last actions block so the buttons survive. */
function capBlocks(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= LIMITS.blocks) return blocks;
  const tailStart = blocks.findIndex(
    (b, i) => b.type === 'actions' && blocks.slice(i).every((x) => x.type === 'actions'),
  );
  const tail = tailStart >= 0 ? blocks.slice(tailStart) : [];
  const room = LIMITS.blocks - tail.length - 1;
  return [
    ...blocks.slice(0, room),
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'More in the exported report.' }] },
    ...tail,
  ];
}
