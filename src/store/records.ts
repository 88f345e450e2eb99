import { createHash } from 'node:crypto';
import type Keyv from 'keyv';
import type { z } from 'zod';
import { StoreUnavailableError } from '../core/errors.js';
import type { Atomic } from './atomic.js';
import type { SortedSets } from './sets.js';

/**
 * Typed, validated access to Keyv. Every call is bounded by a timeout so a store that is down turns into
 * a `StoreUnavailableError` (the user sees "temporarily unavailable") instead of a request that hangs.
 * A record that fails its schema on read is a bug or a tampered store: it throws, it is never silently dropped.
 */
export class Records {
  private readonly keyv: Keyv;
  readonly atomic: Atomic;
  /** The store's sorted sets, each call bounded like every other store call. */
  readonly sets: SortedSets;

  constructor(
    store: { keyv: Keyv; atomic: Atomic; sets: SortedSets },
    private readonly timeoutMs = 3000,
  ) {
    this.keyv = store.keyv;
    this.atomic = store.atomic;
    const sets = store.sets;
    this.sets = {
      add: (set, entries) => this.bounded(sets.add(set, entries)),
      remove: (set, members) => this.bounded(sets.remove(set, members)),
      members: (set, options) => this.bounded(sets.members(set, options)),
      due: (set, options) => this.bounded(sets.due(set, options)),
      count: (set) => this.bounded(sets.count(set)),
    };
  }

  async get<T>(key: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>): Promise<T | undefined> {
    const raw = await this.bounded(this.keyv.get(key));
    if (raw === undefined || raw === null) return undefined;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      throw new Error(
        `Stored record ${key} is invalid: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
      );
    }
    return parsed.data;
  }

  /** Several records in one round trip, in the order of `keys` (undefined where missing). */
  async getMany<T>(keys: string[], schema: z.ZodType<T, z.ZodTypeDef, unknown>): Promise<(T | undefined)[]> {
    if (keys.length === 0) return [];
    const raws = await this.bounded(this.keyv.getMany(keys));
    return raws.map((raw, i) => {
      if (raw === undefined || raw === null) return undefined;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw new Error(`Stored record ${keys[i]} is invalid: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
  }

  /** One round trip to the store (for /readyz): throws when it does not answer in time. */
  async probe(): Promise<void> {
    await this.bounded(this.keyv.get('sys:readyz'));
  }

  /** Several records in one call (one group commit on SQLite; Keyv sends them together where the store can). */
  async setMany(entries: Array<{ key: string; value: unknown }>): Promise<void> {
    await this.bounded(this.keyv.setMany(entries));
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    await this.bounded(this.keyv.set(key, value, ttlMs));
  }

  async delete(key: string): Promise<void> {
    await this.bounded(this.keyv.delete(key));
  }

  async claim(key: string, token: string, ttlMs: number): Promise<boolean> {
    return this.bounded(this.atomic.claim(key, token, ttlMs));
  }

  async release(key: string, token: string): Promise<void> {
    await this.bounded(this.atomic.release(key, token));
  }

  renew(key: string, token: string, ttlMs: number): Promise<boolean> {
    return this.bounded(this.atomic.renew(key, token, ttlMs));
  }

  private async bounded<T>(operation: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError(new Error('store timeout'))), this.timeoutMs);
    });
    try {
      return await Promise.race([operation, timeout]);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      throw new StoreUnavailableError(error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The records behind a list of ids, in pages of `page` keys per round trip (a tenant with 100,000 of them is never
 * one unbounded read); ids whose record is gone are skipped.
 */
export async function loadPaged<T>(
  records: Records,
  ids: readonly string[],
  keyOf: (id: string) => string,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  page = 500,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += page) {
    for (const found of await records.getMany(ids.slice(i, i + page).map(keyOf), schema)) if (found) out.push(found);
  }
  return out;
}

/** Keys are `t:<tenant>:<kind>:<id>`; every tenant's records live under its own prefix. */
export function tenantKey(tenant: string, ...parts: string[]): string {
  return ['t', tenant, ...parts].join(':');
}

/** Teams conversation ids are long; a digest keeps keys inside PostgreSQL's 255-character key column. */
export function shortId(text: string): string {
  return text.length <= 80 ? text : createHash('sha256').update(text).digest('base64url');
}
