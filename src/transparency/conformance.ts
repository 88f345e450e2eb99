/**
 * The official field lists the drafts are checked against, read from ../shared/conformance/transparency (or
 * CONFORMANCE_DIR), never copied into the project: the 2025 US inventory data dictionary, the ATRS v4.0 field
 * list, the Algoritmeregister 1.0 JSON Schema (values checked with Ajv) and the EU database items (Annex VIII C). A draft passes when every field is the register's own, every choice is one it allows, and every field the
 * register always requires is there (with a value or a to-do).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import type { Draft, DraftKind } from '../core/transparency/draft.js';

export const DEFAULT_CONFORMANCE_DIR = fileURLToPath(
  new URL('../../../shared/conformance/transparency/', import.meta.url),
);

const UsDictionarySchema = z.record(
  z.object({
    data_type: z.string(),
    instructions: z.string().optional(),
    valid_selections: z.array(z.string()).optional(),
  }),
);
const NlSchema = z.object({ properties: z.record(z.unknown()), required: z.array(z.string()) });
const AtrsSchema = z.object({
  version: z.string(),
  fields: z.array(
    z.object({ name: z.string(), tier: z.number().nullable(), allowed_values: z.array(z.string()).optional() }),
  ),
});

interface FieldRule {
  choices?: string[];
  multiple?: boolean;
  required: boolean;
}

export type Validation = NonNullable<Draft['validation']>;
export type Validator = (draft: Draft) => Validation;

const FILES: Record<DraftKind, string> = {
  'us-inventory': 'us-omb-ai-inventory-2025/data_dictionary.json',
  atrs: 'uk-atrs/atrs-v4.0-fields.json',
  'nl-register': 'nl-algoritmeregister/registration-v1.0.schema.derived.json',
  'eu-db': 'eu-ai-act/eu-database-deployer.md',
};

function rulesFor(kind: DraftKind, text: string): Map<string, FieldRule> {
  if (kind === 'nl-register') {
    const schema = NlSchema.parse(JSON.parse(text));
    return new Map(Object.keys(schema.properties).map((name) => [name, { required: schema.required.includes(name) }]));
  }
  if (kind === 'eu-db') {
    // Annex VIII Section C's items (the table's first column) and the Art. 27(1) elements (a) to (f).
    const items = [...text.matchAll(/^\| (C\.\d) \|/gm)].map((m) => m[1]!);
    const fria = [...text.matchAll(/^\d\. \*\*\(([a-f])\)\*\*/gm)].map((m) => `27(1)(${m[1]})`);
    // C.1 to C.3 always; the rest only outside the restricted cases (Art. 49(4)).
    return new Map([...items, ...fria].map((name) => [name, { required: ['C.1', 'C.2', 'C.3'].includes(name) }]));
  }
  if (kind === 'us-inventory') {
    const dictionary = UsDictionarySchema.parse(JSON.parse(text));
    return new Map(
      Object.entries(dictionary).map(([name, f]) => [
        name,
        {
          ...(f.valid_selections ? { choices: f.valid_selections } : {}),
          multiple: f.data_type === 'select_multiple',
          // "Required: Yes" at the end, with no condition after it (conditional ones depend on stage and answers).
          required: /Required: Yes\s*$/.test(f.instructions ?? ''),
        },
      ]),
    );
  }
  const atrs = AtrsSchema.parse(JSON.parse(text));
  return new Map(
    atrs.fields.map((f) => [
      f.name,
      { ...(f.allowed_values ? { choices: f.allowed_values } : {}), multiple: false, required: true },
    ]),
  );
}

/** The validator, or why there is none (the folder is absent): drafts are then offered marked "not validated". */
export function loadTransparencyValidator(
  dir: string = DEFAULT_CONFORMANCE_DIR,
): { validate: Validator } | { absent: string } {
  const rules = new Map<DraftKind, Map<string, FieldRule>>();
  const texts = new Map<DraftKind, string>();
  for (const [kind, file] of Object.entries(FILES) as [DraftKind, string][]) {
    const path = join(dir, file);
    if (!existsSync(path)) return { absent: `the official field list ${path} is not on this machine` };
    texts.set(kind, readFileSync(path, 'utf8'));
    rules.set(kind, rulesFor(kind, texts.get(kind) ?? ''));
  }
  const nlValues = nlValueCheck(texts.get('nl-register') ?? '{}');
  return {
    validate: (draft) => {
      const result = validateWith(rules.get(draft.kind) ?? new Map(), draft);
      if (draft.kind !== 'nl-register') return result;
      const problems = [...result.problems, ...nlValues(draft)];
      return { ok: problems.length === 0, problems };
    },
  };
}

function validateWith(rules: Map<string, FieldRule>, draft: Draft): Validation {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const field of draft.fields) {
    const rule = rules.get(field.name);
    if (!rule) problems.push(`${field.name} is not a field of this register`);
    if (seen.has(field.name)) problems.push(`${field.name} appears twice`);
    seen.add(field.name);
    if ((field.value === undefined) === (field.todo === undefined)) {
      problems.push(`${field.name} needs either a value or a to-do`);
    }
    if (!rule?.choices || field.value === undefined) continue;
    const values = Array.isArray(field.value) ? field.value : [field.value];
    if (Array.isArray(field.value) && !rule.multiple) problems.push(`${field.name} takes one choice`);
    for (const v of values)
      if (!rule.choices.includes(v)) problems.push(`${field.name}: “${v}” is not one of its choices`);
  }
  for (const [name, rule] of rules) if (rule.required && !seen.has(name)) problems.push(`${name} is missing`);
  return { ok: problems.length === 0, problems };
}

/**
 * The NL values against the register's JSON Schema (Ajv, 2020-12): the fields filled in, with those still to do
 * left out, so only a missing required field that is also not on the to-do list counts (validateWith says so).
 */
function nlValueCheck(text: string): (draft: Draft) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(text) as object);
  return (draft) => {
    const filled = Object.fromEntries(draft.fields.filter((f) => f.value !== undefined).map((f) => [f.name, f.value]));
    if (validate(filled)) return [];
    const todo = new Set(draft.fields.filter((f) => f.todo !== undefined).map((f) => f.name));
    return (validate.errors ?? [])
      .filter((e) => !(e.keyword === 'required' && todo.has(String(e.params.missingProperty))))
      .map((e) => `${e.instancePath.replace(/^\//, '') || 'the entry'} ${e.message ?? 'is not valid'}`);
  };
}
