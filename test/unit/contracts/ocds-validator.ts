/**
 * Validates OCDS releases against the official 1.1 release schema (draft-04, read from ../shared/conformance, not
 * committed here) patched with the metrics and UK extension fields the export uses (a fixture). Without the
 * official schema, the extension fields are still checked, against the fixture alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';

const SCHEMA_URL = new URL('../../../../shared/conformance/ocds-release-schema.json', import.meta.url);
const EXTENSIONS_URL = new URL('../../fixtures/contracts/ocds-extensions.json', import.meta.url);
export const OCDS_SCHEMA_PATH = fileURLToPath(SCHEMA_URL);
export const OCDS_MISSING_MESSAGE = `OCDS 1.1 release schema not found at ${OCDS_SCHEMA_PATH}: checking only the extension fields (metrics, measureClassification) against test/fixtures/contracts/ocds-extensions.json`;

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// Both are CommonJS. TypeScript types ajv-draft-04's default import as its module object; at run time it is the
// class itself (with a `default` pointing to itself) or the module object, depending on the loader.
type Ajv04Class = typeof Ajv04Module.default;
const Ajv04: Ajv04Class = 'default' in Ajv04Module ? Ajv04Module.default : (Ajv04Module as unknown as Ajv04Class);
const addFormats = 'default' in addFormatsModule ? addFormatsModule.default : addFormatsModule;

export interface ReleaseValidator {
  /** True when the official schema was found; false when only the extension fields are checked. */
  official: boolean;
  /** The official schema as published (undefined without it). */
  core?: Json;
  /** Problems as "path: message" lines; empty when valid. */
  validate(release: unknown): string[];
}

function readJson(url: URL): Json {
  const data: unknown = JSON.parse(readFileSync(url, 'utf8'));
  if (!isRecord(data)) throw new Error(`${fileURLToPath(url)}: not a JSON object`);
  return data;
}

function definitionsOf(schema: Json): Record<string, Json> {
  const definitions = schema.definitions;
  if (!isRecord(definitions)) throw new Error('schema without definitions');
  return definitions as Record<string, Json>;
}

/** The core schema with the extension definitions added and their properties merged in (a JSON merge patch). */
function patched(core: Json, extensions: Json): Json {
  const schema = structuredClone(core);
  const definitions = definitionsOf(schema);
  Object.assign(definitions, structuredClone(definitionsOf(extensions)));
  const properties = extensions.properties;
  if (!isRecord(properties)) throw new Error('extension fixture without properties');
  for (const [name, added] of Object.entries(properties)) {
    const target = definitions[name];
    if (!target || !isRecord(target.properties) || !isRecord(added)) throw new Error(`cannot patch ${name}`);
    Object.assign(target.properties, structuredClone(added));
  }
  return schema;
}

/** Just the metrics arrays of each contract, with permissive stand-ins for the core definitions they use. */
function extensionsOnly(extensions: Json): Json {
  const metrics = { type: 'array', items: { $ref: '#/definitions/Metric' }, minItems: 1, uniqueItems: true };
  const dateTime = { type: 'string', format: 'date-time' };
  const definitions = definitionsOf(structuredClone(extensions));
  const observation = definitions.Observation;
  if (observation && isRecord(observation.properties)) {
    observation.properties.measureClassification = { $ref: '#/definitions/Classification' };
  }
  return {
    type: 'object',
    definitions: {
      ...definitions,
      Period: { type: 'object', properties: { startDate: dateTime, endDate: dateTime } },
      Value: { type: 'object', properties: { amount: { type: 'number' }, currency: { type: 'string' } } },
      Classification: {
        type: 'object',
        required: ['scheme', 'id'],
        properties: {
          scheme: { type: 'string' },
          id: { type: ['string', 'integer'] },
          description: { type: 'string' },
        },
      },
    },
    properties: {
      contracts: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            agreedMetrics: metrics,
            implementation: { type: 'object', properties: { metrics } },
          },
        },
      },
    },
  };
}

export function loadReleaseValidator(): ReleaseValidator {
  const extensions = readJson(EXTENSIONS_URL);
  const core = existsSync(SCHEMA_URL) ? readJson(SCHEMA_URL) : undefined;
  // strict: false, because OCDS adds its own keywords (codelist, openCodelist, deprecated, omitWhenMerged …).
  const ajv = new Ajv04({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(core ? patched(core, extensions) : extensionsOnly(extensions));
  return {
    official: core !== undefined,
    ...(core ? { core } : {}),
    validate(release) {
      if (validate(release)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
    },
  };
}

/** A validator for the official schema exactly as published, without the extension patches. */
export function loadCoreValidator(core: Json): (release: unknown) => string[] {
  const ajv = new Ajv04({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(core);
  return (release) =>
    validate(release) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath}: ${e.message ?? e.keyword}`);
}
