import { existsSync } from 'node:fs';
import { pino } from 'pino';
import { openStore, type StoreHandle } from '../store/open-store.js';
import { Records } from '../store/records.js';

/** What the store CLIs (`audit`, `export`) share: the store to read, named by --store or STORE_URL. */
export function storeUrlOf(option: string | undefined, usage: string): string {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const url = option ?? process.env.STORE_URL ?? 'sqlite://data/bot.sqlite';
  if (!/^(sqlite|redis|rediss|postgres|postgresql):\/\/.+/.test(url)) fail(`--store must be a store URL.\n${usage}`);
  return url;
}

/** The URL as it may be printed: without a password. */
export function shownStore(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

export function fail(message: string, code = 2): never {
  process.stderr.write(message);
  process.exit(code);
}

/** Opens the store (quietly, with a long timeout for big reads), runs `work`, and always closes it. */
export async function withStore(url: string, work: (records: Records, store: StoreHandle) => Promise<void>) {
  const store = await openStore(url, { logger: pino({ level: 'silent' }) });
  try {
    await work(new Records(store, 30_000), store);
  } finally {
    await store.close();
  }
}
