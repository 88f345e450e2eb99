/**
 * Adaptive Card checks for every card the bot sends to Teams. Three layers, because none is enough alone
 * (docs/research testing-offline §4, Teams memo §10):
 *  - the official 1.5 JSON schema (ajv), validated element by element for precise messages;
 *  - the adaptivecards library's own parser, which catches what the schema's anyOf unions let through (duplicate ids);
 *  - our rules: version 1.5, explicit verbs, input ids, and no Teams extensions beyond the three the bot uses: full
 *    width, mention entities (each backed by its `<at>` text in a TextBlock), and the people picker's
 *    `choices.data` (Data.Query on graph.microsoft.com/users), which the 1.5 schema does not know.
 * The schema is read from ../shared/conformance (not committed here); without it the other two layers still run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const CARD_VERSION = '1.5';

const SCHEMA_URL = new URL('../../../shared/conformance/adaptive-card-1.5.0.json', import.meta.url);
export const CONFORMANCE_SCHEMA_PATH = fileURLToPath(SCHEMA_URL);
export const CONFORMANCE_MISSING_MESSAGE = `Adaptive Card 1.5 schema not found at ${CONFORMANCE_SCHEMA_PATH}: schema validation skipped`;

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeOf = (v: unknown): string | undefined => (isRecord(v) && typeof v.type === 'string' ? v.type : undefined);
const isAction = (type: string | undefined) => type?.startsWith('Action.') === true;

/** Visits every object and array below `root` with its JSON pointer, skipping action `data` (free-form payload). */
function walk(root: unknown, visit: (node: Json, ptr: string) => void, ptr = ''): void {
  if (Array.isArray(root)) {
    root.forEach((v, i) => {
      walk(v, visit, `${ptr}/${i}`);
    });
    return;
  }
  if (!isRecord(root)) return;
  visit(root, ptr);
  const action = isAction(typeOf(root));
  for (const [k, v] of Object.entries(root)) if (!(action && k === 'data')) walk(v, visit, `${ptr}/${k}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Layer 1: the official schema

export interface CardValidator {
  /** Whole-card validation (the schema's top-level anyOf). */
  validate: ValidateFunction;
  /** The compiled definition for an element/action type, or undefined for a type the schema doesn't know. */
  definition(type: string): ValidateFunction | undefined;
}

let cached: CardValidator | null | undefined;

/**
 * Only definitions that name themselves in `type` are element/action types ("Colors" is an enum, not an element).
 * TextRun hides its object form in an anyOf branch (its other form is a plain string).
 */
function namesItself(name: string, def: unknown): boolean {
  if (!isRecord(def)) return false;
  const typeProp = isRecord(def.properties) ? def.properties.type : undefined;
  if (isRecord(typeProp) && Array.isArray(typeProp.enum) && typeProp.enum.includes(name)) return true;
  return Array.isArray(def.anyOf) && def.anyOf.some((branch) => namesItself(name, branch));
}

/** Compiles the official 1.5 schema once per process; undefined when ../shared/conformance is absent. */
export function loadCardValidator(): CardValidator | undefined {
  if (cached !== undefined) return cached ?? undefined;
  if (!existsSync(SCHEMA_URL)) {
    cached = null;
    return undefined;
  }
  const schema: unknown = JSON.parse(readFileSync(SCHEMA_URL, 'utf8'));
  if (!isRecord(schema) || !isRecord(schema.definitions))
    throw new Error(`${CONFORMANCE_SCHEMA_PATH}: not a JSON schema`);
  // The schema names itself with a draft-04 `id`, which ajv 8 ignores: register it under a short $id to reach its definitions.
  const { id: _ignored, ...rest } = schema;
  const definitions = schema.definitions;
  // strict:false: the schema uses custom keywords ("version", "features").
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS; depending on the loader the default import is the plugin or its module object.
  const addFormats = 'default' in addFormatsModule ? addFormatsModule.default : addFormatsModule;
  addFormats(ajv);
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  ajv.addSchema({ ...rest, $id: 'ac' });
  const validate = ajv.getSchema('ac');
  if (!validate) throw new Error('Adaptive Card schema did not compile');
  const elementTypes = new Set(Object.keys(definitions).filter((name) => namesItself(name, definitions[name])));
  cached = {
    validate,
    definition: (type) => (elementTypes.has(type) ? ajv.getSchema(`ac#/definitions/${type}`) : undefined),
  };
  return cached;
}

function errorText(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>; // ajv types params per keyword; we only read a few known fields
  if (e.keyword === 'enum' && Array.isArray(p.allowedValues))
    return `must be equal to one of ${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'additionalProperties')
    return `must NOT have additional properties (${String(p.additionalProperty)})`;
  return e.message ?? e.keyword;
}

/** Turns one element's ajv errors into readable lines: drops anyOf wrappers and the losing branches of unions. */
function tidy(errors: ErrorObject[], ptr: string): string[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  }
  const out: string[] = [];
  for (const [path, errs] of byPath) {
    const hasEnum = errs.some((e) => e.keyword === 'enum');
    // `size: "huge"` fails the enum branch, the case-insensitive pattern branch and the null branch: the enum says it best.
    const kept = errs.filter((e) => !(hasEnum && e.keyword === 'pattern'));
    const types = kept.filter((e) => e.keyword === 'type');
    const others = kept.filter((e) => e.keyword !== 'type');
    if (others.length) for (const e of others) out.push(`${where(ptr + path)}: ${errorText(e)}`);
    else if (types.length) {
      const expected = types.map((e) => String((e.params as Record<string, unknown>).type));
      out.push(`${where(ptr + path)}: must be ${[...new Set(expected)].join(' or ')}`);
    }
  }
  return [...new Set(out)];
}

const segments = (ptr: string) =>
  ptr
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
const step = (v: unknown, key: string): unknown =>
  Array.isArray(v) ? v[Number(key)] : isRecord(v) ? v[key] : undefined;
/** The value at a JSON pointer. */
const at = (root: unknown, ptr: string): unknown => segments(ptr).reduce(step, root);
/** A pointer for messages: the root reads better as "(card)" than as "". */
const where = (ptr: string) => ptr || '(card)';

/** Errors within `node` itself: those inside a typed child are left to that child's own validation. */
function ownErrors(node: Json, errors: ErrorObject[]): ErrorObject[] {
  return errors.filter((e) => {
    let v: unknown = node;
    for (const key of segments(e.instancePath)) {
      v = step(v, key);
      if (typeOf(v) !== undefined) return false;
    }
    return true;
  });
}

function schemaErrors(validator: CardValidator, card: unknown): string[] {
  if (validator.validate(card)) return [];
  const precise: string[] = [];
  walk(card, (node, ptr) => {
    const type = typeOf(node);
    if (type === undefined) return;
    const def = validator.definition(type);
    if (!def) precise.push(`${where(ptr)}: unknown type "${type}"`);
    else if (!def(node)) precise.push(...tidy(ownErrors(node, def.errors ?? []), ptr));
  });
  if (precise.length) return precise;
  // Every element is fine on its own, so the problem is placement (e.g. a Column directly in body): the union that
  // failed deepest names the misplaced element.
  const errors = validator.validate.errors ?? [];
  const unions = errors
    .filter((e) => e.keyword === 'anyOf' && typeOf(at(card, e.instancePath)) !== undefined)
    .map((e) => e.instancePath);
  const deepest = [...new Set(unions)].filter((p) => !unions.some((q) => q.startsWith(`${p}/`)));
  if (deepest.length) return deepest.map((p) => `${where(p)}: type "${typeOf(at(card, p))}" is not allowed here`);
  return tidy(errors, '');
}

// ---------------------------------------------------------------------------------------------------------------
// Layer 2: the adaptivecards library (its UMD bundle: `require('adaptivecards')` fails in Node, lib/ is extension-less ESM)

interface AcEvent {
  message: string;
}
interface AcLibrary {
  AdaptiveCard: new () => {
    parse(json: unknown, ctx: unknown): void;
    validateProperties(): { validationEvents: AcEvent[] };
  };
  SerializationContext: new (targetVersion: unknown) => { eventCount: number; getEventAt(i: number): AcEvent };
  Versions: { v1_5: unknown };
}
let library: AcLibrary | undefined;

function libraryErrors(card: unknown): string[] {
  library ??= require('adaptivecards/dist/adaptivecards.js') as AcLibrary; // untyped UMD bundle; shape above
  const parsed = new library.AdaptiveCard();
  // Targeting 1.5 makes the parser flag 1.6-only properties (e.g. Action.Execute `role`).
  const ctx = new library.SerializationContext(library.Versions.v1_5);
  parsed.parse(card, ctx);
  const events = Array.from({ length: ctx.eventCount }, (_, i) => ctx.getEventAt(i).message);
  events.push(...parsed.validateProperties().validationEvents.map((e) => e.message));
  return events.map((m) => `adaptivecards: ${m}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Layer 3: our own rules (things the schema allows but Teams or our handlers need)

function ruleErrors(card: unknown): string[] {
  if (!isRecord(card)) return ['card must be an object'];
  const out: string[] = [];
  if (card.type !== 'AdaptiveCard') out.push(`/type: must be "AdaptiveCard" (got ${JSON.stringify(card.type)})`);
  if (card.version !== CARD_VERSION)
    out.push(`/version: must be "${CARD_VERSION}" (got ${JSON.stringify(card.version)})`);
  const ids = new Map<string, string>();
  walk(card, (node, ptr) => {
    const type = typeOf(node);
    if (type === 'Action.Execute' && (typeof node.verb !== 'string' || node.verb.trim() === ''))
      out.push(`${where(ptr)}: Action.Execute needs a non-empty verb`);
    if (type?.startsWith('Input.') && type !== 'Input.Choice' && (typeof node.id !== 'string' || node.id === ''))
      out.push(`${where(ptr)}: ${type} needs an id`);
    if (type !== undefined && typeof node.id === 'string') {
      const first = ids.get(node.id);
      if (first !== undefined) out.push(`${where(ptr)}: duplicate id "${node.id}" (first at ${first})`);
      else ids.set(node.id, ptr);
    }
  });
  return out;
}

const PEOPLE_DATASETS = new Set(['graph.microsoft.com/users', 'graph.microsoft.com/users?scope=currentContext']);

/**
 * Teams' card-level extension: full width, and mention entities. Each mention's `<at>…</at>` must appear in a
 * TextBlock (where Teams renders mentions) and name whom it notifies.
 */
function teamsExtensionErrors(card: Json): string[] {
  if (!('msteams' in card)) return [];
  const m = card.msteams;
  if (!isRecord(m)) return ['/msteams: must be an object'];
  const out: string[] = [];
  for (const key of Object.keys(m))
    if (key !== 'width' && key !== 'entities') out.push(`/msteams: unknown key "${key}"`);
  if ('width' in m && m.width !== 'Full') out.push(`/msteams/width: only "Full" is allowed`);
  const texts: string[] = [];
  walk(card, (node) => {
    if (node.type === 'TextBlock' && typeof node.text === 'string') texts.push(node.text);
  });
  if ('entities' in m) {
    if (!Array.isArray(m.entities)) out.push('/msteams/entities: must be an array');
    else
      m.entities.forEach((e, i) => {
        const mentioned = isRecord(e) ? e.mentioned : undefined;
        if (!isRecord(e) || e.type !== 'mention' || typeof e.text !== 'string' || !/^<at>[^<]+<\/at>$/.test(e.text))
          out.push(`/msteams/entities/${i}: must be a mention with text "<at>…</at>"`);
        else if (!texts.some((t) => t.includes(e.text as string)))
          out.push(`/msteams/entities/${i}: ${e.text} appears in no TextBlock`);
        if (!isRecord(mentioned) || typeof mentioned.id !== 'string' || typeof mentioned.name !== 'string')
          out.push(`/msteams/entities/${i}/mentioned: needs an id and a name`);
      });
  }
  return out;
}

/** Removes the people picker's `choices.data` (a Teams extension) from choice sets, listing any malformed one. */
function withoutPeoplePicker(card: Json): { card: Json; errors: string[] } {
  const errors: string[] = [];
  const strip = (node: unknown, ptr: string): unknown => {
    if (Array.isArray(node)) return node.map((v, i) => strip(v, `${ptr}/${i}`));
    if (!isRecord(node)) return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'choices.data' && node.type === 'Input.ChoiceSet') {
        const ok =
          isRecord(v) && v.type === 'Data.Query' && typeof v.dataset === 'string' && PEOPLE_DATASETS.has(v.dataset);
        if (!ok) errors.push(`${ptr}/choices.data: only Data.Query on graph.microsoft.com/users is allowed`);
        // Teams fills the choices from the directory as the person types; the 1.5 checks need one to stand for them.
        if (Array.isArray(node.choices) && node.choices.length === 0)
          out.choices = [{ title: 'directory', value: 'x' }];
        continue;
      }
      if (!(k in out)) out[k] = strip(v, `${ptr}/${k}`);
    }
    return out;
  };
  return { card: strip(card, '') as Json, errors };
}

/** Every problem with `card` as readable lines; empty when the card is valid. */
export function validateCard(card: unknown): string[] {
  if (!isRecord(card)) return ['card must be an object'];
  const { msteams: _teams, ...rest } = card; // the 1.5 schema rejects Teams' `msteams` extension
  const { card: standard, errors: pickerErrors } = withoutPeoplePicker(rest);
  const validator = loadCardValidator();
  const errors = [
    ...teamsExtensionErrors(card),
    ...pickerErrors,
    ...(validator ? schemaErrors(validator, standard) : []),
    ...libraryErrors(standard),
    ...ruleErrors(standard),
  ];
  return [...new Set(errors)];
}

// ---------------------------------------------------------------------------------------------------------------
// Reading cards out of payloads

/**
 * The Adaptive Cards in a payload: an activity's attachments, an invoke-response body
 * (`{statusCode, type: <card content type>, value: card}`), an `invokeResponse` activity, createConversation
 * parameters (`{activity}`) or an expectReplies body (`{activities}`).
 */
export function cardsIn(payload: unknown): unknown[] {
  if (!isRecord(payload)) return [];
  const cards: unknown[] = [];
  if (Array.isArray(payload.attachments))
    for (const a of payload.attachments)
      if (isRecord(a) && a.contentType === ADAPTIVE_CARD_CONTENT_TYPE) cards.push(a.content);
  if (payload.type === ADAPTIVE_CARD_CONTENT_TYPE && 'value' in payload) cards.push(payload.value);
  if (payload.type === 'invokeResponse' && isRecord(payload.value)) cards.push(...cardsIn(payload.value.body));
  if (isRecord(payload.activity)) cards.push(...cardsIn(payload.activity));
  if (Array.isArray(payload.activities)) for (const a of payload.activities) cards.push(...cardsIn(a));
  return cards;
}

/** All text a reader sees on a card, one piece per line, for assertions. */
export function cardText(card: unknown): string {
  const parts: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string' && v !== '') parts.push(v);
  };
  walk(card, (node) => {
    const type = typeOf(node);
    if (type === 'TextBlock') add(node.text);
    // TextRuns only live in inlines, next to their plain-string shorthand: read both here to keep their order.
    else if (type === 'RichTextBlock' && Array.isArray(node.inlines))
      for (const run of node.inlines) add(isRecord(run) ? run.text : run);
    else if (type === 'FactSet' && Array.isArray(node.facts))
      for (const f of node.facts.filter(isRecord)) parts.push(`${f.title ?? ''}: ${f.value ?? ''}`);
    else if (isAction(type)) add(node.title);
    else if (type?.startsWith('Input.')) {
      add(node.label);
      add(node.placeholder);
      if (type === 'Input.Toggle') add(node.title);
      if (Array.isArray(node.choices)) for (const c of node.choices.filter(isRecord)) add(c.title);
    }
  });
  return parts.join('\n');
}

const AT_TAG = /<at\b[^>]*>[\s\S]*?<\/at>/gi;

/**
 * Every way a payload could ping someone in Teams: `<at>…</at>` in any string and any mention entity
 * (`{type:'mention', mentioned}` in activity `entities` or a card's `msteams.entities`).
 */
export function findMentions(json: unknown): string[] {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') found.push(...(v.match(AT_TAG) ?? []));
    else if (Array.isArray(v)) v.forEach(visit);
    else if (isRecord(v)) {
      if (typeof v.type === 'string' && v.type.toLowerCase() === 'mention') {
        const who = isRecord(v.mentioned) ? v.mentioned.id : undefined;
        found.push(`mention entity: ${typeof v.text === 'string' ? v.text : String(who)}`);
        return;
      }
      Object.values(v).forEach(visit);
    }
  };
  visit(json);
  return found;
}
