/**
 * The scale targets of the store layout (`npm run bench:scheduler`, part 3): registering a contract costs the same
 * with 100 contracts in a tenant as with 100,000 (target ratio ≤ 1.5); the planner finds what is due with 1,000,000
 * KPIs over 10,000 tenants (target ≤ 1 s, on SQLite and on Redis); `npm run audit -- --verify` over 100,000 events.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { localTimeOf } from '../../src/core/calendar.js';
import { History } from '../../src/core/history/recorder.js';
import { dueOccurrences } from '../../src/scheduler/plan.js';
import { KeyvContractRepository } from '../../src/store/contract-repository.js';
import { KeyvDigestRepository } from '../../src/store/digest-repository.js';
import { KeyvHistoryRepository } from '../../src/store/history-repository.js';
import { StoreLocker } from '../../src/store/locks.js';
import { NAMESPACE, openStore } from '../../src/store/open-store.js';
import { Records } from '../../src/store/records.js';
import { KeyvSettingsRepository } from '../../src/store/settings-repository.js';
import { dueContract, pool, seedDigestChannels } from '../helpers/digest-seed.js';
import { percentile } from './load.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const logger = pino({ level: 'silent' });

export interface RegistrationRow {
  backend: string;
  /** Median of 200 registrations of one more contract (the repository's save, its indexes and its digest target). */
  at100Ms: number;
  at100kMs: number;
  ratio: number;
  target: '≤ 1.5';
  met: boolean;
  seedMs: number;
}

export interface PlanRow {
  backend: string;
  tenants: number;
  contracts: number;
  kpis: number;
  seedMs: number;
  /** Median of three planner runs. */
  planMs: number;
  due: number;
  target: '≤ 1000 ms';
  met: boolean;
}

export interface VerifyRow {
  events: number;
  records: number;
  seedMs: number;
  /** `npm run audit -- --verify` from spawn to exit, and its status. */
  cliMs: number;
  exitCode: number | null;
}

const ONE_TENANT = 'slack_TBIG';

async function registrationTimes(url: string, sizes: number[], register = 200): Promise<Map<number, number>> {
  const store = await openStore(url, { logger, namespace: NAMESPACE });
  const out = new Map<number, number>();
  try {
    const records = new Records(store, 30_000);
    const digests = new KeyvDigestRepository(records);
    const contracts = new KeyvContractRepository(records, (c) =>
      digests.addTarget({ tenant: c.tenant, platform: c.platform, channel: c.channel }),
    );
    const today = localTimeOf(new Date(), 'Europe/London').date;
    const make = (n: number) =>
      dueContract({ n, tenant: ONE_TENANT, channel: 'CBIG', today, timeZone: 'Europe/London', kpis: 10 });
    let have = 0;
    let next = 0;
    for (const size of sizes) {
      const seeding = Array.from({ length: size - have }, () => next++);
      await pool(seeding, 64, async (n) => contracts.save(make(n)));
      have = size;
      const times: number[] = [];
      for (let i = 0; i < register; i++) {
        const contract = make(next++);
        const t = performance.now();
        await contracts.save(contract);
        times.push(performance.now() - t);
        have += 1;
      }
      out.set(size, percentile(times, 50));
    }
  } finally {
    await store.close();
  }
  return out;
}

export async function measureRegistration(backend: string, url: string, quick: boolean): Promise<RegistrationRow> {
  const big = quick ? 20_000 : 100_000;
  const started = performance.now();
  const times = await registrationTimes(url, [100, big]);
  const at100Ms = times.get(100)!;
  const at100kMs = times.get(big)!;
  const ratio = at100kMs / at100Ms;
  process.stderr.write(`  ${backend}: register at 100 ${at100Ms.toFixed(2)} ms, at ${big} ${at100kMs.toFixed(2)} ms\n`);
  return {
    backend,
    at100Ms,
    at100kMs,
    ratio,
    target: '≤ 1.5',
    met: ratio <= 1.5,
    seedMs: performance.now() - started,
  };
}

export async function measurePlanAtScale(backend: string, url: string, quick: boolean): Promise<PlanRow> {
  const store = await openStore(url, { logger, namespace: NAMESPACE });
  try {
    const tenants = quick ? 2000 : 10_000;
    const seeded = await seedDigestChannels(
      store,
      { tenants, channels: tenants, contractsPerChannel: 10, kpisPerContract: 10 },
      { concurrency: 64 },
    );
    const records = new Records(store, 30_000);
    const deps = { digests: new KeyvDigestRepository(records), settings: new KeyvSettingsRepository(records) };
    await dueOccurrences(new Date(), deps);
    const runs: number[] = [];
    let due = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      due = (await dueOccurrences(new Date(), deps)).length;
      runs.push(performance.now() - t);
    }
    const planMs = percentile(runs, 50);
    process.stderr.write(`  ${backend}: ${seeded.kpis} KPIs over ${tenants} tenants: plan ${planMs.toFixed(0)} ms\n`);
    return {
      backend,
      tenants,
      contracts: seeded.contracts,
      kpis: seeded.kpis,
      seedMs: seeded.ms,
      planMs,
      due,
      target: '≤ 1000 ms',
      met: planMs <= 1000,
    };
  } finally {
    await store.close();
  }
}

/** 100,000 events over 1,000 records of one tenant (SQLite), then the audit CLI verifies them all. */
export async function measureAuditVerify(url: string, quick: boolean): Promise<VerifyRow> {
  const events = quick ? 20_000 : 100_000;
  const perRecord = 100;
  const store = await openStore(url, { logger, namespace: NAMESPACE });
  const started = performance.now();
  try {
    const records = new Records(store, 30_000);
    const repository = new KeyvHistoryRepository(records, new StoreLocker(records, { crossProcess: false }), {
      soleWriter: true,
    });
    const history = new History(repository, { now: () => new Date() });
    const recordIds = Array.from({ length: events / perRecord }, (_, i) => `contract:C-${String(i).padStart(6, '0')}`);
    // Records in parallel, each record's events in order (appends to one record are sequential in the service too).
    await pool(recordIds, 32, async (record) => {
      for (let i = 0; i < perRecord; i++) {
        await history.record(ONE_TENANT, record, { id: 'UBENCH', name: 'bench' }, 'contract.result', {
          kpi: `k${i}`,
          value: i,
        });
      }
    });
  } finally {
    await store.close();
  }
  const seedMs = performance.now() - started;
  const t = performance.now();
  const cli = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/audit.ts', '--store', url, '--tenant', ONE_TENANT, '--verify'],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, encoding: 'utf8' },
  );
  const cliMs = performance.now() - t;
  if (cli.status !== 0) process.stderr.write(cli.stderr);
  process.stderr.write(`  audit --verify over ${events} events: ${cliMs.toFixed(0)} ms (exit ${cli.status})\n`);
  return { events, records: events / perRecord, seedMs, cliMs, exitCode: cli.status };
}
