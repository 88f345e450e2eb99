/**
 * `npm run bench:scheduler`: what the reminder scheduler costs. A report, not a test: it exits 0 whatever the
 * figures, and non-zero only when something is broken (a digest missing, posted twice, or an error).
 *
 * 1. Delivery: N channels each owed a digest; the real service runs as child processes (embedded on SQLite, and
 *    distributed on Redis with one and three replicas) against one fake Slack Web API (validation off), at two
 *    fake latencies (50 ms: closer to Slack; 0 ms: the scheduler's own cost). Reports digests per second from the
 *    scheduler's start (embedded: the process listening, its first tick follows; distributed: a planner run
 *    triggered once every replica is up) to the last digest.
 * 2. Finding what is due with 100,000 KPIs stored (10,000 contracts × 10 KPIs), in SQLite and Redis, spread over
 *    1,000 channels or 100: the planner (`dueOccurrences`) and every channel's digest (`ContractService.digestFor`,
 *    i.e. `listByChannel` then `digestItems`), measured in this process, with its peak RSS.
 *
 * Redis runs on a logical database of its own (BENCH_REDIS_URL, default redis://127.0.0.1:6379/14), flushed before
 * and after. `--quick` runs a fifth of the sizes; `--only=delivery|due` one half. Markdown on stdout, JSON in test/artifacts/bench-scheduler.json.
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { AccessService } from '../../src/core/access/access.js';
import { digestItems, digestView } from '../../src/core/contracts/digest.js';
import { ContractService } from '../../src/core/contracts/service.js';
import { History } from '../../src/core/history/recorder.js';
import { loadPack } from '../../src/core/triage/pack-loader.js';
import { dueOccurrences } from '../../src/scheduler/plan.js';
import type { DigestOccurrence } from '../../src/scheduler/types.js';
import { KeyvContractRepository } from '../../src/store/contract-repository.js';
import { KeyvDialogueRepository } from '../../src/store/dialogue-repository.js';
import { KeyvDigestRepository } from '../../src/store/digest-repository.js';
import { KeyvHistoryRepository } from '../../src/store/history-repository.js';
import { StoreLocker } from '../../src/store/locks.js';
import { openStore, type StoreHandle } from '../../src/store/open-store.js';
import { KeyvPackRepository } from '../../src/store/pack-repository.js';
import { Records } from '../../src/store/records.js';
import { KeyvRolesRepository } from '../../src/store/roles-repository.js';
import { KeyvSettingsRepository } from '../../src/store/settings-repository.js';
import { type SeedLayout, seedDigestChannels } from '../helpers/digest-seed.js';
import { type FakeSlack, type FakeSlackCall, startFakeSlack } from '../support/fake-slack.js';
import { type Child, freePort, startChild } from './children.js';
import { percentile } from './load.js';
import { cpuMs, readMemory, resetPeak } from './proc-stats.js';
import {
  measureAuditVerify,
  measurePlanAtScale,
  measureRegistration,
  type PlanRow,
  type RegistrationRow,
  type VerifyRow,
} from './scale.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACT = join(ROOT, 'test/artifacts/bench-scheduler.json');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const PACK = join(ROOT, 'prompts/triage/default.yaml');
const QUICK = process.argv.includes('--quick');
/** `--only=delivery`, `--only=due` or `--only=scale` runs one part (to profile it, with BENCH_NODE_ARGS for the replicas). */
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const scale = (n: number) => (QUICK ? Math.round(n / 5) : n);
const TENANTS = 10;
const DELIVERY_TIMEOUT_MS = 120_000;
const logger = pino({ level: 'silent' });

type Backend = 'sqlite' | 'redis';
type Mode = 'embedded' | 'distributed';

interface DeliveryGroup {
  mode: Mode;
  backend: Backend;
  replicas: number;
}

const DELIVERY_GROUPS: DeliveryGroup[] = [
  { mode: 'embedded', backend: 'sqlite', replicas: 1 },
  { mode: 'distributed', backend: 'redis', replicas: 1 },
  { mode: 'distributed', backend: 'redis', replicas: 3 },
];
/** Fake Web API latencies: 50 ms (closer to Slack) first, then 0 ms (the scheduler's own cost). */
const LATENCIES = [50, 0];
const channelsAt = (latencyMs: number) => scale(latencyMs === 0 ? 2000 : 200);
/** The distributed scheduler's BullMQ queue and job scheduler (src/scheduler/distributed.ts). */
const QUEUE = 'aiprocure-digests';
const PLANNER = 'digest-planner';

const DUE_LAYOUTS: Array<SeedLayout & { name: string }> = [
  {
    name: '1,000 channels × 10 contracts',
    tenants: TENANTS,
    channels: 1000,
    contractsPerChannel: 10,
    kpisPerContract: 10,
  },
  {
    name: '100 channels × 100 contracts',
    tenants: TENANTS,
    channels: 100,
    contractsPerChannel: 100,
    kpisPerContract: 10,
  },
].map((l) => (QUICK ? { ...l, contractsPerChannel: l.contractsPerChannel / 5 } : l));

interface DeliveryRow {
  mode: Mode;
  backend: Backend;
  replicas: number;
  latencyMs: number;
  channels: number;
  delivered: number;
  duplicates: number;
  seedMs: number;
  /** Spawn to every replica answering /healthz. */
  startMs: number;
  /** Scheduler start (embedded: listening; distributed: the planner run added) to the last digest. */
  elapsedMs: number;
  perSecond: number;
  /** First to last digest. */
  steadyPerSecond: number;
  digestsByReplica: number[];
  cpuMsPerDigest: number;
  peakRssMb: number;
}

interface DueRow {
  backend: Backend;
  layout: string;
  channels: number;
  contracts: number;
  kpis: number;
  seedMs: number;
  /** Median of three planner runs over every target. */
  planMs: number;
  due: number;
  /** Every channel's digest, one after another as the scheduler builds them. */
  digestTotalMs: number;
  digestMeanMs: number;
  digestP95Ms: number;
  items: number;
  /** The same, split: reading the channel's contracts, and computing its items and view. */
  readTotalMs: number;
  computeTotalMs: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

const now = () => performance.now();
const fixed = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

async function flushRedis(): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await redis.flushdb();
  } finally {
    await redis.quit();
  }
}

/** A fresh, empty store URL for `backend`. */
async function freshStore(backend: Backend, dir: string, name: string): Promise<string> {
  if (backend === 'redis') {
    await flushRedis();
    return REDIS_URL;
  }
  return `sqlite://${join(dir, `${name}.sqlite`)}`;
}

interface Digest {
  channel: string;
  token: string;
  at: number;
}

/** Counts digests as the fake records them, scanning each call once (the fake runs in this process). */
function digestCounter() {
  const digests: Digest[] = [];
  const channels = new Set<string>();
  let scanned = 0;
  const scan = (calls: readonly FakeSlackCall[]) => {
    for (; scanned < calls.length; scanned += 1) {
      const call = calls[scanned]!;
      if (call.method !== 'chat.postMessage' || call.status !== 200) continue;
      const metadata = call.args.metadata as { event_type?: unknown } | undefined;
      if (metadata?.event_type !== 'aiprocure_digest') continue;
      const channel = String(call.args.channel);
      digests.push({ channel, token: call.token ?? '', at: call.at });
      channels.add(channel);
    }
  };
  return { digests, channels, scan };
}

// ---------- 1. delivery ----------

interface Replicas {
  children: Child[];
  tokens: string[];
  startMs: number;
}

/** Starts `count` replicas of the real service together; resolves once each answers /healthz. */
async function startReplicas(
  group: DeliveryGroup,
  url: string,
  fake: FakeSlack,
  running: Child[],
  count: number,
): Promise<Replicas> {
  const tokens = Array.from({ length: count }, (_, i) => `xoxb-bench-replica-${i + 1}`);
  const spawnedAt = Date.now();
  const children = await Promise.all(
    tokens.map(async (token, i) => {
      const port = await freePort();
      const child = await startChild({
        name: `${group.mode} replica ${i + 1}`,
        script: 'src/main.ts',
        cwd: ROOT,
        port,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          PORT: String(port),
          STORE_URL: url,
          SCHEDULER: group.mode,
          // info: the start-up lines time the scheduler's start; nothing is logged per digest at this level.
          LOG_LEVEL: 'info',
          PLAYGROUND: '0',
          SLACK_BOT_TOKEN: token,
          SLACK_SIGNING_SECRET: 'bench-scheduler-secret',
          SLACK_API_URL: fake.url,
        },
      });
      running.push(child);
      return child;
    }),
  );
  return { children, tokens, startMs: Date.now() - spawnedAt };
}

async function stopReplicas(replicas: Replicas, running: Child[]): Promise<void> {
  await Promise.all(replicas.children.map((c) => c.stop()));
  running.splice(0, running.length, ...running.filter((c) => !replicas.children.includes(c)));
}

/** The epoch ms of the first log line with `msg`, waiting for it (pino writes `"time":<ms>`). */
async function loggedAt(child: Child, msg: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = child.output.find((l) => l.includes(`"msg":"${msg}"`));
    const time = line && /"time":(\d+)/.exec(line)?.[1];
    if (time) return Number(time);
    child.alive();
    if (Date.now() > deadline) throw new Error(`${child.name}: no "${msg}" in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until every seeded channel has a digest, and measures the run from `t0` (or the first digest if earlier). */
async function measureRun(input: {
  group: DeliveryGroup;
  latencyMs: number;
  channels: number;
  seedMs: number;
  replicas: Replicas;
  fake: FakeSlack;
  started: () => Promise<number>;
}): Promise<DeliveryRow> {
  const { group, latencyMs, channels, replicas, fake } = input;
  const label = `${group.mode}/${group.backend} ×${group.replicas}, ${latencyMs} ms`;
  const counter = digestCounter();
  for (const c of replicas.children) resetPeak(c.pid);
  const cpuBefore = replicas.children.map((c) => cpuMs(c.pid));
  const t0 = await input.started();
  await fake.waitFor(
    (calls) => {
      counter.scan(calls);
      return counter.channels.size >= channels;
    },
    DELIVERY_TIMEOUT_MS,
    `${label}: ${channels} channels with a digest`,
  );
  // A duplicate would come within moments (a second job for a key, a client retry): look once more.
  await new Promise((resolve) => setTimeout(resolve, 500));
  counter.scan(fake.calls);
  for (const c of replicas.children) c.alive();
  const ats = counter.digests.map((d) => d.at);
  const first = Math.min(...ats);
  const last = Math.max(...ats);
  const from = Math.min(t0, first);
  const cpu = replicas.children.reduce((sum, c, i) => sum + cpuMs(c.pid) - (cpuBefore[i] ?? 0), 0);
  const row: DeliveryRow = {
    ...group,
    latencyMs,
    channels,
    delivered: counter.digests.length,
    duplicates: counter.digests.length - counter.channels.size,
    seedMs: input.seedMs,
    startMs: replicas.startMs,
    elapsedMs: last - from,
    perSecond: (channels * 1000) / (last - from),
    steadyPerSecond: ((channels - 1) * 1000) / Math.max(1, last - first),
    digestsByReplica: replicas.tokens.map((t) => counter.digests.filter((d) => d.token === t).length),
    cpuMsPerDigest: cpu / channels,
    peakRssMb: Math.max(...replicas.children.map((c) => readMemory(c.pid).peakMb)),
  };
  process.stderr.write(
    `  ${label}: ${row.delivered} digests in ${fixed(row.elapsedMs)} ms → ${fixed(row.perSecond)}/s ` +
      `(by replica ${row.digestsByReplica.join('/')}, ${row.duplicates} duplicates)\n`,
  );
  return row;
}

async function seedInto(url: string, channels: number, firstChannel: number): Promise<number> {
  const store = await openStore(url, { logger });
  try {
    const layout = { tenants: TENANTS, channels, contractsPerChannel: 1, kpisPerContract: 3 };
    return (await seedDigestChannels(store, layout, { firstChannel })).ms;
  } finally {
    await store.close();
  }
}

/**
 * Embedded: per latency, a fresh SQLite file is seeded, then one process starts; its first tick delivers everything
 * owed, from the moment it listens.
 */
async function measureEmbedded(group: DeliveryGroup, fake: FakeSlack, dir: string, running: Child[]) {
  const rows: DeliveryRow[] = [];
  for (const latencyMs of LATENCIES) {
    const url = `sqlite://${join(dir, `deliver-${latencyMs}.sqlite`)}`;
    const channels = channelsAt(latencyMs);
    const seedMs = await seedInto(url, channels, 0);
    fake.reset();
    fake.options.latencyMs = latencyMs;
    let replicas: Replicas | undefined;
    try {
      replicas = await startReplicas(group, url, fake, running, 1);
      const child = replicas.children[0]!;
      rows.push(
        await measureRun({
          group,
          latencyMs,
          channels,
          seedMs,
          replicas,
          fake,
          started: () => loggedAt(child, 'listening'),
        }),
      );
    } finally {
      if (replicas) await stopReplicas(replicas, running);
    }
  }
  return rows;
}

/**
 * Distributed: the replicas start on an empty Redis and the periodic planner is removed, so each run starts when
 * the bench adds one `plan` job (what the job scheduler does every minute): every replica is up and idle by then.
 * The same replicas serve both latencies, on distinct channels (the second run's planner also reads the first
 * run's targets, already sent).
 */
async function measureDistributed(group: DeliveryGroup, fake: FakeSlack, running: Child[]) {
  await flushRedis();
  const rows: DeliveryRow[] = [];
  const replicas = await startReplicas(group, REDIS_URL, fake, running, group.replicas);
  const queue = new Queue(QUEUE, { connection: { url: REDIS_URL, maxRetriesPerRequest: null } });
  try {
    await Promise.all(replicas.children.map((c) => loggedAt(c, 'reminder scheduler started')));
    await queue.removeJobScheduler(PLANNER);
    let firstChannel = 0;
    for (const latencyMs of LATENCIES) {
      const channels = channelsAt(latencyMs);
      const seedMs = await seedInto(REDIS_URL, channels, firstChannel);
      firstChannel += channels;
      fake.reset();
      fake.options.latencyMs = latencyMs;
      const started = async () => {
        const at = Date.now();
        await queue.add('plan', { kind: 'plan' });
        return at;
      };
      rows.push(await measureRun({ group, latencyMs, channels, seedMs, replicas, fake, started }));
    }
  } finally {
    await queue.close();
    await stopReplicas(replicas, running);
  }
  return rows;
}

// ---------- 2. finding what is due ----------

async function measureDue(backend: Backend, layout: (typeof DUE_LAYOUTS)[number], dir: string): Promise<DueRow> {
  const url = await freshStore(backend, dir, `due-${layout.channels}`);
  const store: StoreHandle = await openStore(url, { logger });
  try {
    const seeded = await seedDigestChannels(store, layout, { concurrency: 64 });
    const records = new Records(store, 30_000);
    const locker = new StoreLocker(records, { crossProcess: store.kind !== 'sqlite' });
    const settings = new KeyvSettingsRepository(records);
    const digests = new KeyvDigestRepository(records);
    const contractRepository = new KeyvContractRepository(records);
    const pack = await loadPack(PACK);
    const history = new History(new KeyvHistoryRepository(records, locker), { now: () => new Date() });
    const contracts = new ContractService({
      contracts: contractRepository,
      history,
      dialogues: new KeyvDialogueRepository(records),
      settings,
      packs: new KeyvPackRepository(records, { pack, text: '', source: PACK }),
      locker,
      clock: { now: () => new Date() },
      access: new AccessService({ roles: new KeyvRolesRepository(records, locker), admins: [], history }),
    });
    const zoneOf = new Map(seeded.channels.map((c) => [c.tenant, c.timeZone]));
    const digestOf = (occurrence: DigestOccurrence) =>
      contracts.digestFor({
        tenant: occurrence.tenant,
        channel: occurrence.channel,
        date: occurrence.date,
        timeZone: zoneOf.get(occurrence.tenant) ?? 'UTC',
        kpiCommand: '/aiprocure kpi',
      });
    // Warm-up, so the first store measured does not also pay for compiling the code paths.
    for (const occurrence of (await dueOccurrences(new Date(), { digests, settings })).slice(0, 20)) {
      await digestOf(occurrence);
    }
    const rssBeforeMb = readMemory(process.pid).rssMb;
    resetPeak(process.pid);

    const planRuns: number[] = [];
    let due: DigestOccurrence[] = [];
    for (let i = 0; i < 3; i += 1) {
      const t = now();
      due = await dueOccurrences(new Date(), { digests, settings });
      planRuns.push(now() - t);
    }
    if (due.length !== layout.channels) throw new Error(`planner found ${due.length} of ${layout.channels} due`);

    const perChannel: number[] = [];
    let items = 0;
    for (const occurrence of due) {
      const t = now();
      const digest = await digestOf(occurrence);
      perChannel.push(now() - t);
      if (!digest) throw new Error(`no digest for ${occurrence.key}`);
      items += digest.items.length;
    }

    // The same work split in two: the store read, then the pure computation.
    let readTotalMs = 0;
    let computeTotalMs = 0;
    for (const occurrence of due) {
      const t = now();
      const list = await contractRepository.listByChannel(occurrence.tenant, occurrence.channel);
      const t2 = now();
      const found = digestItems(list, occurrence.date);
      digestView(found, { date: occurrence.date, timeZone: zoneOf.get(occurrence.tenant) ?? 'UTC' });
      computeTotalMs += now() - t2;
      readTotalMs += t2 - t;
    }
    const peakRssMb = readMemory(process.pid).peakMb;

    const digestTotalMs = perChannel.reduce((a, b) => a + b, 0);
    const row: DueRow = {
      backend,
      layout: layout.name,
      channels: layout.channels,
      contracts: seeded.contracts,
      kpis: seeded.kpis,
      seedMs: seeded.ms,
      planMs: percentile(planRuns, 50),
      due: due.length,
      digestTotalMs,
      digestMeanMs: digestTotalMs / perChannel.length,
      digestP95Ms: percentile(perChannel, 95),
      items,
      readTotalMs,
      computeTotalMs,
      rssBeforeMb,
      peakRssMb,
    };
    process.stderr.write(
      `  ${backend}, ${layout.name}: plan ${fixed(row.planMs, 1)} ms, digests ${fixed(digestTotalMs)} ms ` +
        `(${fixed(row.digestMeanMs, 2)} ms/channel), peak RSS ${fixed(peakRssMb)} MB\n`,
    );
    return row;
  } finally {
    await store.close();
  }
}

// ---------- report ----------

function markdown(delivery: DeliveryRow[], due: DueRow[], load: number[]): string {
  const out = [
    `## Reminder scheduler benchmark (Node ${process.version}, ${cpus().length} CPUs${QUICK ? ', --quick' : ''})`,
    '',
    '### Delivery into the fake Slack Web API',
    '',
    '| scheduler | store | replicas | fake latency ms | channels | delivered | duplicates | start ms | elapsed ms | digests/s | steady digests/s | by replica | CPU ms/digest | peak RSS MB/replica |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
  ];
  for (const r of delivery) {
    out.push(
      `| ${r.mode} | ${r.backend} | ${r.replicas} | ${r.latencyMs} | ${r.channels} | ${r.delivered} | ${r.duplicates} | ` +
        `${fixed(r.startMs)} | ${fixed(r.elapsedMs)} | ${fixed(r.perSecond)} | ${fixed(r.steadyPerSecond)} | ` +
        `${r.digestsByReplica.join(' / ')} | ${fixed(r.cpuMsPerDigest, 2)} | ${fixed(r.peakRssMb)} |`,
    );
  }
  out.push(
    '',
    'Each channel is owed one digest, so the per-channel pacing (one post per second per channel) never waits: ' +
      'channels do not slow each other. elapsed = scheduler start (embedded: the process listening, its first ' +
      'tick follows; distributed: one planner run added once every replica is up and idle) to the last digest; ' +
      'steady = first to last digest; start = spawn to /healthz (not in elapsed). CPU = all replicas over the ' +
      'run; peak RSS = VmHWM over the run. The distributed replicas serve both latencies in turn.',
    '',
    '### Finding what is due (10 KPIs per contract)',
    '',
    '| store | layout | contracts | KPIs | seed s | planner ms | due | digests total ms | ms/channel | p95 ms/channel | items | read ms | compute ms | RSS before MB | peak RSS MB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of due) {
    out.push(
      `| ${r.backend} | ${r.layout} | ${r.contracts} | ${r.kpis} | ${fixed(r.seedMs / 1000, 1)} | ${fixed(r.planMs, 1)} | ` +
        `${r.due} | ${fixed(r.digestTotalMs)} | ${fixed(r.digestMeanMs, 2)} | ${fixed(r.digestP95Ms, 2)} | ${r.items} | ` +
        `${fixed(r.readTotalMs)} | ${fixed(r.computeTotalMs)} | ${fixed(r.rssBeforeMb)} | ${fixed(r.peakRssMb)} |`,
    );
  }
  out.push(
    '',
    'planner = `dueOccurrences` over every digest target (median of 3); digests = `ContractService.digestFor` for ' +
      'every due channel, one after another; read = `listByChannel`, compute = `digestItems` + `digestView`. ' +
      'Measured in this process; peak RSS = VmHWM over the measurement (reset after seeding).',
    `Machine load average (1 min) at start and end: ${load.map((l) => l.toFixed(2)).join(' → ')}.`,
  );
  return out.join('\n');
}

// ---------- main ----------

async function main() {
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const dir = mkdtempSync(join(tmpdir(), 'aiprocure-bench-scheduler-'));
  const fake = await startFakeSlack({ validate: false });
  const children: Child[] = [];
  const cleanup = async () => {
    await Promise.all(children.map((c) => c.stop()));
    await fake.close();
    await flushRedis().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    void cleanup().finally(() => process.exit(130));
  });
  try {
    const scale: { registration: RegistrationRow[]; plan: PlanRow[]; verify?: VerifyRow } = {
      registration: [],
      plan: [],
    };
    if (!ONLY || ONLY === 'scale') {
      process.stderr.write('scale targets …\n');
      for (const backend of ['sqlite', 'redis'] as const) {
        scale.registration.push(await measureRegistration(backend, await freshStore(backend, dir, 'register'), QUICK));
        scale.plan.push(await measurePlanAtScale(backend, await freshStore(backend, dir, 'plan'), QUICK));
      }
      scale.verify = await measureAuditVerify(`sqlite://${join(dir, 'audit.sqlite')}`, QUICK);
      await flushRedis();
    }
    if (!ONLY || ONLY === 'due') process.stderr.write('finding what is due …\n');
    const due: DueRow[] = [];
    for (const backend of ONLY && ONLY !== 'due' ? [] : (['sqlite', 'redis'] as const)) {
      for (const layout of DUE_LAYOUTS) due.push(await measureDue(backend, layout, dir));
    }
    if (!ONLY || ONLY === 'delivery') process.stderr.write('delivering …\n');
    const delivery: DeliveryRow[] = [];
    for (const group of ONLY && ONLY !== 'delivery' ? [] : DELIVERY_GROUPS) {
      delivery.push(
        ...(group.mode === 'embedded'
          ? await measureEmbedded(group, fake, dir, children)
          : await measureDistributed(group, fake, children)),
      );
    }

    const load = [loadAtStart, loadavg()[0] ?? Number.NaN];
    process.stdout.write(`\n${scaleMarkdown(scale)}\n${markdown(delivery, due, load)}\n`);
    mkdirSync(dirname(ARTIFACT), { recursive: true });
    const json = {
      generatedAt: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      loadAverage: load,
      quick: QUICK,
      scale,
      delivery,
      due,
    };
    writeFileSync(ARTIFACT, `${JSON.stringify(json, null, 2)}\n`);
    process.stderr.write(`\nwritten ${ARTIFACT}\n`);
    const broken = delivery.filter((r) => r.duplicates > 0 || r.delivered < r.channels);
    if (broken.length > 0) throw new Error(`digests missing or repeated: ${JSON.stringify(broken)}`);
  } catch (error) {
    for (const child of children) {
      process.stderr.write(`--- ${child.name}: last log lines ---\n${child.output.slice(-10).join('\n')}\n`);
    }
    throw error;
  } finally {
    await cleanup();
  }
}

function scaleMarkdown(scale: { registration: RegistrationRow[]; plan: PlanRow[]; verify?: VerifyRow }): string {
  if (scale.registration.length === 0) return '';
  const lines = [
    '## Scale targets',
    '',
    '| backend | register at 100 (ms) | at 100,000 (ms) | ratio (≤ 1.5) | plan: KPIs / tenants | plan (ms, ≤ 1000) |',
    '|---|---|---|---|---|---|',
    ...scale.registration.map((r, i) => {
      const p = scale.plan[i];
      return `| ${r.backend} | ${fixed(r.at100Ms, 2)} | ${fixed(r.at100kMs, 2)} | ${fixed(r.ratio, 2)} ${r.met ? '✓' : '✗'} | ${p?.kpis ?? ''} / ${p?.tenants ?? ''} | ${fixed(p?.planMs ?? Number.NaN)} ${p?.met ? '✓' : '✗'} |`;
    }),
  ];
  if (scale.verify) {
    lines.push(
      '',
      `\`npm run audit -- --verify\` over ${scale.verify.events} events (${scale.verify.records} records): ${fixed(scale.verify.cliMs)} ms, exit ${scale.verify.exitCode}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
