/**
 * Seeds a store with procurement channels that are owed a digest now, through the real repositories (contracts with
 * their indexes, tenant settings, digest targets), as the running service would have written them. Shared by the
 * replica end-to-end test and `npm run bench:scheduler`.
 */
import { addDays, addMonths, compareDates, type LocalDate, localTimeOf } from '../../src/core/calendar.js';
import type { Contract, ContractKpi } from '../../src/core/contracts/contract.js';
import type { DigestTarget } from '../../src/scheduler/types.js';
import { KeyvContractRepository } from '../../src/store/contract-repository.js';
import { KeyvDigestRepository } from '../../src/store/digest-repository.js';
import { StoreLocker } from '../../src/store/locks.js';
import type { StoreHandle } from '../../src/store/open-store.js';
import { Records } from '../../src/store/records.js';
import { KeyvSettingsRepository } from '../../src/store/settings-repository.js';
import { kpi, makeContract } from '../unit/contracts/helpers.js';

/** Zones on both sides of the date line, so "today" differs between tenants. */
export const SEED_ZONES = [
  'Europe/London',
  'America/New_York',
  'Asia/Tokyo',
  'Australia/Sydney',
  'America/Los_Angeles',
  'Europe/Berlin',
  'Asia/Kolkata',
  'America/Toronto',
  'Pacific/Auckland',
  'UTC',
] as const;

export interface SeedLayout {
  tenants: number;
  /** Channels in all, spread evenly over the tenants. */
  channels: number;
  contractsPerChannel: number;
  kpisPerContract: number;
}

export interface SeededChannel extends DigestTarget {
  timeZone: string;
  /** The channel's local date at seeding (its digest's date while the day lasts). */
  today: LocalDate;
}

export interface Seeded {
  channels: SeededChannel[];
  contracts: number;
  kpis: number;
  ms: number;
}

const CADENCES: ContractKpi['cadence'][] = [{ months: 1 }, { months: 3 }, { months: 1, thenMonths: 3 }, { months: 6 }];
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A valid, unique contract id for a sequence number ('C-000001'…). */
export function contractIdOf(n: number): string {
  let id = '';
  for (let rest = n, i = 0; i < 6; i += 1, rest = Math.floor(rest / 32)) id = BASE32[rest % 32] + id;
  return `C-${id}`;
}

/**
 * A contract with a monthly KPI reviewed today or within days (so its channel's digest is never empty), and up to
 * 49 more KPIs on mixed cadences. Contracts started up to two years ago, so finding what is due walks a real
 * schedule; they were registered 40 days ago, so only recent obligations are open.
 */
export function dueContract(input: {
  n: number;
  tenant: string;
  channel: string;
  today: LocalDate;
  timeZone: string;
  kpis: number;
}): Contract {
  const start = addMonths(input.today, -(1 + (input.n % 24)));
  const registered = addDays(input.today, -40);
  const kpis = Array.from({ length: input.kpis }, (_, i) =>
    i === 0
      ? kpi('K1', 'Service availability', { months: 1 }, true)
      : kpi(`K${i + 1}`, `Measure ${i + 1}`, CADENCES[i % CADENCES.length]!, i < 3),
  );
  return makeContract({
    id: contractIdOf(input.n),
    tenant: input.tenant,
    channel: input.channel,
    title: `AI service contract ${input.n}`,
    start,
    end: addMonths(start, 48),
    trackedFrom: compareDates(registered, start) > 0 ? registered : start,
    timeZone: input.timeZone,
    kpis,
  });
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Writes `layout` into `store`: per tenant, settings with its zone and digest hour 0 (so the digest is owed as soon
 * as the local day starts); per channel, `contractsPerChannel` contracts saved by KeyvContractRepository, whose
 * onNew hook registers the channel for digests as the service's does (only for a channel's first contract here:
 * addTarget is idempotent but rewrites the whole target list, which would make seeding quadratic). Channels are
 * numbered from `firstChannel`, so several seedings of one store add distinct channels.
 */
export async function seedDigestChannels(
  store: StoreHandle,
  layout: SeedLayout,
  options: { now?: Date; concurrency?: number; firstChannel?: number } = {},
): Promise<Seeded> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const records = new Records(store, 30_000);
  const _locker = new StoreLocker(records, { crossProcess: store.kind !== 'sqlite', waitMs: 60_000 });
  const settings = new KeyvSettingsRepository(records);
  const digests = new KeyvDigestRepository(records);
  const registered = new Set<string>();
  const contracts = new KeyvContractRepository(records, async (contract) => {
    const key = `${contract.tenant}|${contract.channel}`;
    if (registered.has(key)) return;
    registered.add(key);
    await digests.addTarget({ tenant: contract.tenant, platform: contract.platform, channel: contract.channel });
  });

  const tenants = Array.from({ length: layout.tenants }, (_, t) => {
    const timeZone = SEED_ZONES[t % SEED_ZONES.length]!;
    return { tenant: `slack_T${String(t).padStart(4, '0')}`, timeZone, today: localTimeOf(now, timeZone).date };
  });
  for (const t of tenants) await settings.update(t.tenant, { timeZone: t.timeZone, digestHour: 0 });

  const firstChannel = options.firstChannel ?? 0;
  const channels: SeededChannel[] = Array.from({ length: layout.channels }, (_, i) => {
    const c = firstChannel + i;
    const t = tenants[c % tenants.length]!;
    return { ...t, platform: 'slack', channel: `C${String(c).padStart(8, '0')}` };
  });
  const jobs = channels.flatMap((ch, c) =>
    Array.from({ length: layout.contractsPerChannel }, (_, i) => ({
      ch,
      n: (firstChannel + c) * layout.contractsPerChannel + i,
    })),
  );
  await pool(jobs, options.concurrency ?? 32, async ({ ch, n }) => {
    const { tenant, channel, today, timeZone } = ch;
    await contracts.save(dueContract({ n, tenant, channel, today, timeZone, kpis: layout.kpisPerContract }));
  });
  return {
    channels,
    contracts: jobs.length,
    kpis: jobs.length * layout.kpisPerContract,
    ms: performance.now() - started,
  };
}
