/**
 * Slack Block Kit limits as a zod schema, for the blocks this bot posts. No npm package checks Slack's limits
 * (see docs/research testing-offline §4), so tests and the fake Slack server both validate against this.
 * Objects are strict so a typo'd field fails here instead of being silently dropped (or rejected) by Slack.
 */
import { z } from 'zod';

const str = (max: number) => z.string().min(1).max(max);
const id255 = str(255);
const plain = (max: number) =>
  z.object({ type: z.literal('plain_text'), text: str(max), emoji: z.boolean().optional() }).strict();
const textObj = (max: number) =>
  z
    .object({
      type: z.enum(['plain_text', 'mrkdwn']),
      text: str(max),
      emoji: z.boolean().optional(),
      verbatim: z.boolean().optional(),
    })
    .strict();

const confirmDialog = z
  .object({
    title: plain(100),
    text: textObj(300),
    confirm: plain(30),
    deny: plain(30),
    style: z.enum(['primary', 'danger']).optional(),
  })
  .strict();

/** Checkbox / radio options may be mrkdwn; select options must be plain text. */
const option = <T extends z.ZodTypeAny>(text: T) =>
  z.object({ text, value: str(150), description: textObj(75).optional(), url: str(3000).optional() }).strict();
const richOption = option(textObj(75));
const selectOption = option(plain(75));

const common = { action_id: id255.optional(), focus_on_load: z.boolean().optional() };

const button = z
  .object({
    type: z.literal('button'),
    text: plain(75),
    action_id: id255.optional(),
    url: str(3000).optional(),
    value: str(2000).optional(),
    style: z.enum(['primary', 'danger']).optional(),
    confirm: confirmDialog.optional(),
    accessibility_label: str(75).optional(),
  })
  .strict();
const checkboxes = z
  .object({
    type: z.literal('checkboxes'),
    ...common,
    options: z.array(richOption).min(1).max(10),
    initial_options: z.array(richOption).max(10).optional(),
    confirm: confirmDialog.optional(),
  })
  .strict();
const radioButtons = z
  .object({
    type: z.literal('radio_buttons'),
    ...common,
    options: z.array(richOption).min(1).max(10),
    initial_option: richOption.optional(),
    confirm: confirmDialog.optional(),
  })
  .strict();
const staticSelect = z
  .object({
    type: z.literal('static_select'),
    ...common,
    placeholder: plain(150).optional(),
    options: z.array(selectOption).min(1).max(100).optional(),
    option_groups: z
      .array(z.object({ label: plain(75), options: z.array(selectOption).min(1).max(100) }).strict())
      .min(1)
      .max(100)
      .optional(),
    initial_option: selectOption.optional(),
    confirm: confirmDialog.optional(),
  })
  .strict();
const multiStaticSelect = z
  .object({
    type: z.literal('multi_static_select'),
    ...common,
    placeholder: plain(150).optional(),
    options: z.array(selectOption).min(1).max(100),
    initial_options: z.array(selectOption).optional(),
    max_selected_items: z.number().int().min(1).optional(),
    confirm: confirmDialog.optional(),
  })
  .strict();
const usersSelect = z
  .object({
    type: z.literal('users_select'),
    ...common,
    placeholder: plain(150).optional(),
    initial_user: z
      .string()
      .regex(/^[UW][A-Z0-9]+$/, 'must be a user id')
      .optional(),
    confirm: confirmDialog.optional(),
  })
  .strict();
const overflow = z
  .object({
    type: z.literal('overflow'),
    action_id: id255.optional(),
    options: z.array(selectOption).min(1).max(5),
    confirm: confirmDialog.optional(),
  })
  .strict();
const datepicker = z
  .object({
    type: z.literal('datepicker'),
    ...common,
    initial_date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
      .optional(),
    placeholder: plain(150).optional(),
    confirm: confirmDialog.optional(),
  })
  .strict();
const plainTextInput = z
  .object({
    type: z.literal('plain_text_input'),
    ...common,
    placeholder: plain(150).optional(),
    initial_value: z.string().max(3000).optional(),
    multiline: z.boolean().optional(),
    min_length: z.number().int().min(0).max(3000).optional(),
    max_length: z.number().int().min(1).max(3000).optional(),
    dispatch_action_config: z
      .object({ trigger_actions_on: z.array(z.enum(['on_enter_pressed', 'on_character_entered'])).optional() })
      .strict()
      .optional(),
  })
  .strict();
const numberInput = z
  .object({
    type: z.literal('number_input'),
    ...common,
    is_decimal_allowed: z.boolean(),
    initial_value: z.string().optional(),
    min_value: z.string().optional(),
    max_value: z.string().optional(),
    placeholder: plain(150).optional(),
  })
  .strict();
const image = z.object({ type: z.literal('image'), image_url: str(3000), alt_text: str(2000) }).strict();

const blockId = { block_id: id255.optional() };
const section = z
  .object({
    type: z.literal('section'),
    ...blockId,
    text: textObj(3000).optional(),
    fields: z.array(textObj(2000)).min(1).max(10).optional(),
    accessory: z
      .discriminatedUnion('type', [button, checkboxes, radioButtons, staticSelect, overflow, datepicker, image])
      .optional(),
    expand: z.boolean().optional(),
  })
  .strict();
const actions = z
  .object({
    type: z.literal('actions'),
    ...blockId,
    elements: z
      .array(z.discriminatedUnion('type', [button, checkboxes, radioButtons, staticSelect, overflow, datepicker]))
      .min(1)
      .max(25),
  })
  .strict();
const context = z
  .object({
    type: z.literal('context'),
    ...blockId,
    elements: z
      .array(
        z.discriminatedUnion('type', [
          plain(3000),
          z.object({ type: z.literal('mrkdwn'), text: str(3000), verbatim: z.boolean().optional() }).strict(),
          image,
        ]),
      )
      .min(1)
      .max(10),
  })
  .strict();
const header = z.object({ type: z.literal('header'), ...blockId, text: plain(150) }).strict();
const divider = z.object({ type: z.literal('divider'), ...blockId }).strict();
const input = z
  .object({
    type: z.literal('input'),
    ...blockId,
    label: plain(2000),
    element: z.discriminatedUnion('type', [
      plainTextInput,
      staticSelect,
      multiStaticSelect,
      usersSelect,
      datepicker,
      numberInput,
      checkboxes,
      radioButtons,
    ]),
    hint: plain(2000).optional(),
    optional: z.boolean().optional(),
    dispatch_action: z.boolean().optional(),
  })
  .strict();

// No .refine() on union members (zod 3 crashes at import); cross-field rules live in checkBlocks below.
const block = z.discriminatedUnion('type', [section, actions, context, header, divider, input]);
type Block = z.infer<typeof block>;
type Element = z.infer<typeof actions>['elements'][number] | z.infer<typeof input>['element'] | z.infer<typeof image>;

const sameOption = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function elementsOf(b: Block): Element[] {
  if (b.type === 'actions') return b.elements;
  if (b.type === 'section') return b.accessory ? [b.accessory] : [];
  if (b.type === 'input') return [b.element];
  return [];
}

function checkElement(el: Element, at: (string | number)[], ctx: z.RefinementCtx) {
  const issue = (message: string, ...sub: (string | number)[]) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...at, ...sub], message });
  if (el.type === 'checkboxes') {
    el.initial_options?.forEach((o, i) => {
      if (!el.options.some((x) => sameOption(x, o))) issue('must exactly match one of options', 'initial_options', i);
    });
  } else if (el.type === 'radio_buttons') {
    if (el.initial_option && !el.options.some((x) => sameOption(x, el.initial_option)))
      issue('must exactly match one of options', 'initial_option');
  } else if (el.type === 'static_select') {
    if (!el.options === !el.option_groups) issue('exactly one of options or option_groups is required');
    const all = el.options ?? el.option_groups?.flatMap((g) => g.options) ?? [];
    if (el.initial_option && !all.some((x) => sameOption(x, el.initial_option)))
      issue('must exactly match one of options', 'initial_option');
  } else if (el.type === 'multi_static_select') {
    el.initial_options?.forEach((o, i) => {
      if (!el.options.some((x) => sameOption(x, o))) issue('must exactly match one of options', 'initial_options', i);
    });
    if (el.max_selected_items !== undefined && (el.initial_options?.length ?? 0) > el.max_selected_items)
      issue('more initial options than max_selected_items', 'initial_options');
  } else if (el.type === 'plain_text_input') {
    if (el.max_length !== undefined && (el.initial_value?.length ?? 0) > el.max_length)
      issue('longer than max_length', 'initial_value');
    if (el.min_length !== undefined && el.max_length !== undefined && el.min_length > el.max_length)
      issue('min_length exceeds max_length', 'min_length');
  }
}

/** Rules that span fields or blocks: unique block_ids, unique action_ids per block, option consistency. */
function checkBlocks(blocks: Block[], ctx: z.RefinementCtx) {
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => {
    if (b.block_id !== undefined) {
      if (blockIds.has(b.block_id))
        ctx.addIssue({ code: 'custom', path: [i, 'block_id'], message: `duplicate block_id "${b.block_id}"` });
      blockIds.add(b.block_id);
    }
    if (b.type === 'section' && !b.text && !b.fields)
      ctx.addIssue({ code: 'custom', path: [i], message: 'section needs text or fields' });
    const actionIds = new Set<string>();
    const sub = b.type === 'actions' ? 'elements' : b.type === 'section' ? 'accessory' : 'element';
    elementsOf(b).forEach((el, j) => {
      const at: (string | number)[] = b.type === 'actions' ? [i, sub, j] : [i, sub];
      checkElement(el, at, ctx);
      if (!('action_id' in el) || el.action_id === undefined) return;
      if (actionIds.has(el.action_id))
        ctx.addIssue({ code: 'custom', path: [...at, 'action_id'], message: `duplicate action_id "${el.action_id}"` });
      actionIds.add(el.action_id);
    });
  });
}

export const messageBlocksSchema = z.array(block).max(50).superRefine(checkBlocks);
export const viewBlocksSchema = z.array(block).max(100).superRefine(checkBlocks);

export const messageSchema = z.object({
  text: z.string().max(40000).optional(),
  blocks: messageBlocksSchema.optional(),
});

const viewCommon = {
  blocks: viewBlocksSchema,
  private_metadata: z.string().max(3000).optional(),
  callback_id: id255.optional(),
  external_id: id255.optional(),
};
export const viewSchema = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('modal'),
        ...viewCommon,
        title: plain(24),
        submit: plain(24).optional(),
        close: plain(24).optional(),
        clear_on_close: z.boolean().optional(),
        notify_on_close: z.boolean().optional(),
        submit_disabled: z.boolean().optional(),
      })
      .strict(),
    z.object({ type: z.literal('home'), ...viewCommon }).strict(),
  ])
  .superRefine((v, ctx) => {
    if (v.type === 'modal' && !v.submit && v.blocks.some((b) => b.type === 'input'))
      ctx.addIssue({ code: 'custom', path: ['submit'], message: 'a modal with input blocks needs submit' });
  });

function format(error: z.ZodError | undefined, prefix = ''): string[] {
  if (!error) return [];
  return error.issues.map((i) => `${[prefix, ...i.path].filter((p) => p !== '').join('.')}: ${i.message}`);
}

/** Checks a chat.postMessage / chat.update / respond() body. Returns "path: message" strings; empty when valid. */
export function validateMessage(msg: { text?: unknown; blocks?: unknown }): string[] {
  const errors = format(messageSchema.safeParse({ text: msg.text, blocks: msg.blocks }).error);
  const hasText = typeof msg.text === 'string' && msg.text.length > 0;
  if (!hasText && (msg.blocks === undefined || (Array.isArray(msg.blocks) && msg.blocks.length === 0)))
    errors.push('text: a message needs text or blocks');
  const total = blockTextLength(msg.blocks);
  if (total > BLOCKS_TEXT_BUDGET)
    errors.push(
      `blocks: ${total} characters of text; Slack answers msg_blocks_too_long at about 13,200 (bolt-js #2509)`,
    );
  return errors;
}

/** Slack's undocumented aggregate limit on a message's blocks; keep a margin under the ~13.2k seen in the wild. */
export const BLOCKS_TEXT_BUDGET = 12_000;

function blockTextLength(blocks: unknown): number {
  let total = 0;
  const walk = (v: unknown, key?: string): void => {
    if (typeof v === 'string') {
      if (key === 'text') total += v.length;
    } else if (Array.isArray(v)) {
      for (const item of v) walk(item);
    } else if (typeof v === 'object' && v !== null) for (const [k, item] of Object.entries(v)) walk(item, k);
  };
  walk(blocks);
  return total;
}

/** Checks a views.open / update / push / publish `view`. Returns "path: message" strings; empty when valid. */
export function validateView(view: unknown): string[] {
  return format(viewSchema.safeParse(view).error, 'view');
}

const BROADCAST = /<!(?:channel|here|everyone)(?:\|[^>]*)?>|<!subteam\^[^>]*>/g;
const LINK_NAMES_ON = new Set<unknown>([true, 1, '1', 'true']);
const BARE_BROADCAST = /(?<![\w<])@(?:channel|here|everyone)\b/g;

/**
 * Every broadcast mention (`<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>`) anywhere in a payload, so tests can
 * assert user text never produced one. When the payload sets `link_names`, Slack also turns a bare `@here` into a
 * broadcast, so those count too.
 */
export function findBroadcastMentions(json: unknown): string[] {
  const found: string[] = [];
  const linkNames =
    typeof json === 'object' && json !== null && 'link_names' in json && LINK_NAMES_ON.has(json.link_names);
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      found.push(...(v.match(BROADCAST) ?? []));
      if (linkNames) found.push(...(v.match(BARE_BROADCAST) ?? []));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(json);
  return found;
}
