/**
 * `npm run bench`: acknowledgement latency, throughput and peak RSS of the real app against a bare Bolt baseline,
 * for signed `/aiprocure help`, `/aiprocure triage …` and triage button answers at 20 concurrent requests. Both apps
 * are child processes talking to one fake Slack Web API (validation off) on loopback; the baseline makes as many
 * Web API calls per request as the real app was counted making on the fake. A report, not a test: it exits 0 on a
 * missed target and non-zero only when something is broken (a non-200 ack, a missing or failed Web API call).
 * `--quick` runs a fifth of the requests. To investigate: BENCH_STORE_URL sets the real app's store (default a fresh
 * SQLite file in a temp dir), BENCH_NODE_ARGS adds node flags to both apps (e.g. `--cpu-prof --cpu-prof-dir=…`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeSlack, type FakeSlackCall, startFakeSlack } from '../support/fake-slack.js';
import { blockAction, encodeBody, signRequest, slashCommand } from '../support/slack-requests.js';
import { type Child, freePort, startChild } from './children.js';
import { type PreparedRequest, percentile, runLoad } from './load.js';
import { cpuMs, readMemory, resetPeak, sampleRss } from './proc-stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACT = join(ROOT, 'test/artifacts/bench-slack.json');
const SECRET = 'bench-signing-secret';
const TOKEN = 'xoxb-bench';
const TEAM = 'T111';
const CHANNEL = 'CBENCH1';
const PROCUREMENT = 'CPROCURE1';
const USERS = ['UANA', 'UBEN', 'UCAT', 'UDAN'];
const CONCURRENCY = 20;
const TARGET = { throughput: 0.7, p99: 1.5 };
const COMPLETION_TIMEOUT_MS = 60_000;

const scale = process.argv.includes('--quick') ? 0.2 : 1;
const size = (n: number) => Math.max(CONCURRENCY, Math.round(n * scale));
const PLAN = { warmup: size(500), help: size(2000), triage: size(1000) };
/** Each path is measured in this many blocks per app, alternating between the apps. */
const BLOCKS = 4;
/** Each triage is answered this many times, round by round: Q1 "None of these", then Q2's first option. */
const ANSWER_ROUNDS = 2;

type PathName = 'help' | 'triage' | 'answer';
type AppName = 'real' | 'bare';
const PATHS: PathName[] = ['help', 'triage', 'answer'];
const APPS: AppName[] = ['real', 'bare'];
const LABEL: Record<PathName, string> = {
  help: '`/aiprocure help`',
  triage: '`/aiprocure triage …`',
  answer: 'button answer',
};

interface Message {
  channel: string;
  ts: string;
  threadTs: string;
  text: string;
  blocks: unknown[];
}

interface Click {
  message: Message;
  actionId: string;
  value: string;
}

interface Row {
  path: PathName;
  app: AppName;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  ackRps: number;
  completedRps: number;
  /** User + system CPU of the app process (all threads) per request, over the whole path. */
  cpuMsPerRequest: number;
  apiCalls: number;
  peakRssMb: number;
  sampledRssMb: number;
  /** Lines the app logged during the measured run (the real app logs at warn). */
  logLines: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

// ---------- requests ----------

let seq = 0;

function signed(fields: unknown): PreparedRequest {
  const body = encodeBody('form', fields);
  return { body, headers: signRequest(SECRET, body, undefined, 'form') };
}

function command(fake: FakeSlack, text: string): PreparedRequest {
  seq += 1;
  const user = USERS[seq % USERS.length] ?? 'UANA';
  const responseUrl = fake.responseUrl(`cmd-${seq}`);
  return signed(
    slashCommand({ text, userId: user, userName: user.toLowerCase(), channelId: CHANNEL, teamId: TEAM, responseUrl }),
  );
}

function clickRequest(fake: FakeSlack, click: Click): PreparedRequest {
  seq += 1;
  const user = USERS[seq % USERS.length] ?? 'UANA';
  return signed(
    blockAction({
      actionId: click.actionId,
      value: click.value,
      userId: user,
      userName: user.toLowerCase(),
      channelId: click.message.channel,
      teamId: TEAM,
      messageTs: click.message.ts,
      threadTs: click.message.threadTs,
      responseUrl: fake.responseUrl(`act-${seq}`),
      message: { blocks: click.message.blocks, text: click.message.text },
    }),
  );
}

/** The latest message the bot posted in each thread (the current question), by thread ts, in first-seen order. */
function threadMessages(calls: readonly FakeSlackCall[]): Map<string, Message> {
  const out = new Map<string, Message>();
  for (const call of calls) {
    const threadTs = call.args.thread_ts;
    if (call.method !== 'chat.postMessage' || call.response.ok !== true || typeof threadTs !== 'string') continue;
    out.set(threadTs, {
      channel: String(call.response.channel ?? call.args.channel),
      ts: String(call.response.ts),
      threadTs,
      text: String(call.args.text ?? ''),
      blocks: Array.isArray(call.args.blocks) ? call.args.blocks : [],
    });
  }
  return out;
}

/** True once the bot has posted in as many threads as there were requests (each request's next question). */
const postedInThreads = (calls: readonly FakeSlackCall[], requests: number) => {
  let posted = 0;
  for (const call of calls) if (call.method === 'chat.postMessage' && typeof call.args.thread_ts === 'string') posted++;
  return posted >= requests;
};

/** The question's first answer button (Q1's exclusive "None of these", a single-choice question's first option). */
function answerClick(message: Message): Click {
  for (const block of message.blocks) {
    if (!isRecord(block) || block.type !== 'actions' || !Array.isArray(block.elements)) continue;
    for (const element of block.elements) {
      if (!isRecord(element) || typeof element.action_id !== 'string' || typeof element.value !== 'string') continue;
      if (element.action_id.startsWith('triage_answer')) {
        return { message, actionId: element.action_id, value: element.value };
      }
    }
  }
  throw new Error(`no triage_answer button in the thread message ${message.ts}: ${message.text}`);
}

// ---------- phases ----------

const apiCallsOf = (calls: readonly FakeSlackCall[]) => calls.filter((c) => c.method !== 'auth.test');

/** An ephemeral note to the user: none of the benchmarked requests should cause one (it means failure or staleness). */
const isNote = (call: FakeSlackCall) => call.method === 'respond' || call.method === 'chat.postEphemeral';

/** Resolves with the time the fake has seen `expected` Web API calls (auth.test aside) since its last reset. */
function apiCallsReached(fake: FakeSlack, expected: number, label: string): Promise<number> {
  let seen = 0;
  let cursor = 0;
  return fake
    .waitFor(
      (calls) => {
        for (; cursor < calls.length; cursor++) if (calls[cursor]?.method !== 'auth.test') seen++;
        return seen >= expected;
      },
      COMPLETION_TIMEOUT_MS,
      `${label}: ${expected} Web API calls`,
    )
    .then(() => performance.now());
}

/** Waits until the fake has seen no new call for `quietMs` (the app finished its work after the acks). */
async function quiet(fake: FakeSlack, quietMs: number) {
  let count = -1;
  while (fake.calls.length !== count) {
    count = fake.calls.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

/** Web API methods per request, in order of first appearance; throws unless every count is whole. */
function callPlan(calls: readonly FakeSlackCall[], requests: number, label: string): string[] {
  const counts = new Map<string, number>();
  for (const call of apiCallsOf(calls)) counts.set(call.method, (counts.get(call.method) ?? 0) + 1);
  const plan: string[] = [];
  for (const [method, count] of counts) {
    const each = count / requests;
    if (!Number.isInteger(each)) throw new Error(`${label}: ${count} × ${method} for ${requests} requests is uneven`);
    for (let i = 0; i < each; i++) plan.push(method);
  }
  return plan;
}

interface PhaseSpec {
  label: string;
  app: Child;
  fake: FakeSlack;
  rounds?: number;
  /** A round's requests, built just before it is sent (outside the clock). */
  build: (round: number) => PreparedRequest[];
  /** Web API calls each request must cause; undefined counts them instead (the real app's warm-up). */
  callsPerRequest?: number;
  /** When counting: what shows the round's work is done (e.g. a question posted in every thread). */
  until?: (calls: readonly FakeSlackCall[], requests: number) => boolean;
  /** Sees each round's calls before the fake forgets them. */
  afterRound?: (calls: readonly FakeSlackCall[]) => void;
}

interface PhaseOutcome {
  requests: number;
  latenciesMs: number[];
  ackMs: number;
  completedMs: number;
  apiCalls: number;
  plan: string[];
  /** One request's Web API payloads, in plan order (the baseline replays them). */
  samples: Payload[];
  firstBody?: string;
}

interface Payload {
  method: string;
  text?: unknown;
  blocks?: unknown;
}

/**
 * The payloads of one request, picked from a phase's calls: the baseline posts these same messages, so both apps
 * produce the same result and the only difference left is the project's store and core.
 */
function samplePayloads(calls: readonly FakeSlackCall[], plan: string[]): Payload[] {
  const used = new Set<FakeSlackCall>();
  return plan.map((method, i) => {
    const candidates = calls.filter((c) => c.method === method && !used.has(c));
    const root = method === 'chat.postMessage' && plan.indexOf(method) === i;
    const pick =
      (root && candidates.find((c) => !c.args.thread_ts)) ||
      candidates.find((c) => method !== 'chat.postMessage' || c.args.thread_ts) ||
      candidates[0];
    if (!pick) throw new Error(`no ${method} call to sample`);
    used.add(pick);
    return { method, text: pick.args.text, blocks: pick.args.blocks };
  });
}

async function runPhase(spec: PhaseSpec): Promise<PhaseOutcome> {
  const outcome: PhaseOutcome = {
    requests: 0,
    latenciesMs: [],
    ackMs: 0,
    completedMs: 0,
    apiCalls: 0,
    plan: [],
    samples: [],
  };
  for (let round = 0; round < (spec.rounds ?? 1); round++) {
    const label = `${spec.label}${spec.rounds ? ` round ${round + 1}` : ''}`;
    spec.fake.reset();
    const requests = spec.build(round);
    const expected = spec.callsPerRequest === undefined ? undefined : spec.callsPerRequest * requests.length;
    const { until } = spec;
    const completion =
      expected === undefined
        ? until &&
          spec.fake
            .waitFor(
              (calls) => until(calls, requests.length) || calls.some(isNote),
              COMPLETION_TIMEOUT_MS,
              `${label}: its work`,
            )
            .then(
              () => ({ at: performance.now() }),
              (error: unknown) => ({ error }),
            )
        : apiCallsReached(spec.fake, expected, label).then(
            (at) => ({ at }),
            (error: unknown) => ({ error }),
          );
    const load = await runLoad(spec.app.port, requests, { concurrency: CONCURRENCY });
    spec.app.alive();
    if (load.errors.length > 0 || load.latenciesMs.some(Number.isNaN)) {
      throw new Error(`${label}: ${spec.app.name} failed requests: ${[...load.statuses]} ${load.errors.join('; ')}`);
    }
    let completedAt = load.lastAckAt;
    if (completion) {
      const done = await completion;
      if ('error' in done) throw done.error;
      completedAt = Math.max(completedAt, done.at);
    }
    // Counting: a longer silence, so that no call of slower requests is missed.
    await quiet(spec.fake, expected === undefined ? 1000 : 100);
    spec.app.alive();
    const calls = apiCallsOf(spec.fake.calls);
    if (expected !== undefined && calls.length !== expected) {
      throw new Error(`${label}: ${spec.app.name} made ${calls.length} Web API calls, expected ${expected}`);
    }
    const notes = spec.fake.calls.filter(isNote);
    if (notes.length > 0) {
      const text = JSON.stringify(notes[0]?.args.text ?? notes[0]?.args.blocks ?? '').slice(0, 300);
      throw new Error(`${label}: ${spec.app.name} sent ${notes.length} notes (failures, stale clicks), e.g. ${text}`);
    }
    const failed = spec.fake.calls.filter((c) => c.status !== 200 || c.response.ok !== true);
    if (failed.length > 0) {
      const first = failed[0];
      throw new Error(
        `${label}: ${failed.length} failed Web API calls, e.g. ${first?.method} ${first?.response.error}`,
      );
    }
    const plan = callPlan(spec.fake.calls, requests.length, label);
    if (round > 0 && plan.join() !== outcome.plan.join()) {
      throw new Error(`${label}: calls per request changed between rounds (${outcome.plan} → ${plan})`);
    }
    if (outcome.samples.length === 0) outcome.samples = samplePayloads(calls, plan);
    spec.afterRound?.(spec.fake.calls);
    outcome.plan = plan;
    outcome.requests += requests.length;
    outcome.latenciesMs.push(...load.latenciesMs);
    outcome.ackMs += load.lastAckAt - load.startedAt;
    outcome.completedMs += completedAt - load.startedAt;
    outcome.apiCalls += calls.length;
    outcome.firstBody ??= load.firstBody;
  }
  return outcome;
}

interface Accumulated {
  outcomes: PhaseOutcome[];
  lines: number;
  cpuMs: number;
  peakReset: boolean;
  sampler: { stop(): number };
}

/**
 * Measures one path on both apps in alternating blocks (real, bare, bare, real, …), so a busy neighbour on the
 * machine slows both alike. VmHWM is reset and CPU time read at the start of the path; RSS is sampled throughout.
 */
async function measurePath(
  path: PathName,
  apps: Record<AppName, Child>,
  specFor: (app: AppName, block: number) => PhaseSpec,
): Promise<Row[]> {
  const start = (app: Child): Accumulated => ({
    outcomes: [],
    lines: app.lineCount(),
    cpuMs: cpuMs(app.pid),
    peakReset: resetPeak(app.pid),
    sampler: sampleRss(app.pid),
  });
  const acc: Record<AppName, Accumulated> = { real: start(apps.real), bare: start(apps.bare) };
  for (let block = 0; block < BLOCKS; block++) {
    // ABBA order: a drift in the machine's load over the path weighs on both apps alike.
    const order: AppName[] = block % 2 === 0 ? ['real', 'bare'] : ['bare', 'real'];
    for (const app of order) acc[app].outcomes.push(await runPhase(specFor(app, block)));
  }
  return APPS.map((app) => {
    const { outcomes, sampler, peakReset } = acc[app];
    const child = apps[app];
    const sampledRssMb = sampler.stop();
    if (!peakReset) process.stderr.write(`note: could not reset VmHWM of ${child.name}; peak is its lifetime peak\n`);
    const sum = (pick: (o: PhaseOutcome) => number) => outcomes.reduce((total, o) => total + pick(o), 0);
    const requests = sum((o) => o.requests);
    const latencies = outcomes.flatMap((o) => o.latenciesMs);
    const row: Row = {
      path,
      app,
      requests,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      ackRps: requests / (sum((o) => o.ackMs) / 1000),
      completedRps: requests / (sum((o) => o.completedMs) / 1000),
      cpuMsPerRequest: (cpuMs(child.pid) - acc[app].cpuMs) / requests,
      apiCalls: sum((o) => o.apiCalls),
      peakRssMb: readMemory(child.pid).peakMb,
      sampledRssMb,
      logLines: child.lineCount() - acc[app].lines,
    };
    process.stderr.write(
      `  ${path} ${app}: p50 ${fixed(row.p50Ms, 2)} ms, p99 ${fixed(row.p99Ms, 2)} ms, ` +
        `${fixed(row.completedRps, 0)} req/s completed, ${fixed(row.cpuMsPerRequest, 2)} CPU ms/request\n`,
    );
    return row;
  });
}

// ---------- report ----------

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

interface Ratio {
  path: PathName;
  ackThroughput: number;
  completedThroughput: number;
  p99: number;
  throughputPass: boolean;
  p99Pass: boolean;
}

function ratios(rows: Row[]): Ratio[] {
  return PATHS.flatMap((path) => {
    const real = rows.find((r) => r.path === path && r.app === 'real');
    const bare = rows.find((r) => r.path === path && r.app === 'bare');
    if (!real || !bare) return [];
    const ackThroughput = real.ackRps / bare.ackRps;
    const completedThroughput = real.completedRps / bare.completedRps;
    const p99 = real.p99Ms / bare.p99Ms;
    return [
      {
        path,
        ackThroughput,
        completedThroughput,
        p99,
        throughputPass: ackThroughput >= TARGET.throughput && completedThroughput >= TARGET.throughput,
        p99Pass: p99 <= TARGET.p99,
      },
    ];
  });
}

function markdown(rows: Row[], plans: Record<PathName, string[]>, found: Ratio[], load: number[]): string {
  const out = [
    `## Slack ack benchmark: real app vs bare Bolt (${CONCURRENCY} concurrent, Node ${process.version}, ${cpus().length} CPUs)`,
    '',
    '| path | app | requests | p50 ms | p99 ms | ack req/s | completed req/s | peak RSS MB | sampled RSS MB | CPU ms/req |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    out.push(
      `| ${LABEL[r.path]} | ${r.app === 'real' ? 'real app' : 'bare Bolt'} | ${r.requests} | ${fixed(r.p50Ms, 2)} | ` +
        `${fixed(r.p99Ms, 2)} | ${fixed(r.ackRps, 0)} | ${fixed(r.completedRps, 0)} | ${fixed(r.peakRssMb, 1)} | ` +
        `${fixed(r.sampledRssMb, 1)} | ${fixed(r.cpuMsPerRequest, 2)} |`,
    );
  }
  out.push('', 'Web API calls per request (counted on the fake for the real app; the baseline makes the same):');
  for (const path of PATHS) out.push(`- ${LABEL[path]}: ${plans[path].length} (${plans[path].join(', ') || 'none'})`);
  out.push(
    '',
    `Measured in ${BLOCKS} blocks per app, alternating real/bare (ABBA); completed = acked and every follow-up Web API call ` +
      'seen by the fake. Peak RSS = VmHWM over the path (reset at its start); CPU = user+system of the app process.',
  );
  out.push(
    `Machine load average (1 min) at start and end: ${load.map((l) => l.toFixed(2)).join(' → ')} ` +
      `(${cpus().length} CPUs); a busy machine makes every figure noisier.`,
  );
  out.push('', `Targets: throughput ≥ ${TARGET.throughput}× the baseline, p99 ≤ ${TARGET.p99}× it, on every path.`);
  for (const r of found) {
    out.push(
      `- ${LABEL[r.path]}: throughput real/bare ${fixed(r.ackThroughput, 2)}× ack, ` +
        `${fixed(r.completedThroughput, 2)}× completed → ${verdict(r.throughputPass)}; ` +
        `p99 real/bare ${fixed(r.p99, 2)}× → ${verdict(r.p99Pass)}`,
    );
  }
  const all = found.every((r) => r.throughputPass && r.p99Pass);
  out.push('', `Overall: ${all ? 'PASS' : 'MISS'}`);
  return out.join('\n');
}

// ---------- main ----------

async function main() {
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const dir = mkdtempSync(join(tmpdir(), 'aiprocure-bench-'));
  const fake = await startFakeSlack({ teamId: TEAM, validate: false });
  const children: Child[] = [];
  let stopped = false;
  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(children.map((c) => c.stop()));
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    void stopAll().finally(() => process.exit(130));
  });

  try {
    const env = { ...process.env };
    delete env.SLACK_APP_TOKEN;
    delete env.TRIAGE_PACK;
    const realPort = await freePort();
    process.stderr.write(`starting the real app on :${realPort} …\n`);
    const real = await startChild({
      name: 'real app',
      script: 'src/main.ts',
      cwd: ROOT,
      port: realPort,
      env: {
        ...env,
        PORT: String(realPort),
        STORE_URL: process.env.BENCH_STORE_URL ?? `sqlite://${join(dir, 'bench.sqlite')}`,
        LOG_LEVEL: 'warn',
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.url,
        PROCUREMENT_CHANNEL: PROCUREMENT,
      },
    });
    children.push(real);

    // Warm-up of the real app, which is also where its Web API calls per request are counted.
    process.stderr.write('warming up the real app and counting its Web API calls …\n');
    const plans = {} as Record<PathName, string[]>;
    const samples = {} as Record<PathName, Payload[]>;
    const help = await runPhase({
      label: 'warm-up help (real)',
      app: real,
      fake,
      build: () => range(PLAN.warmup).map(() => command(fake, 'help')),
    });
    plans.help = help.plan;
    samples.help = help.samples;
    const helpBody = help.firstBody ?? '';
    if (!helpBody.includes('"blocks"')) throw new Error(`help ack without blocks: ${helpBody.slice(0, 200)}`);
    const helpFile = join(dir, 'help.json');
    writeFileSync(helpFile, helpBody);

    let warmThreads = new Map<string, Message>();
    const triageWarmUp = await runPhase({
      label: 'warm-up triage (real)',
      app: real,
      fake,
      build: () => range(PLAN.warmup).map((i) => command(fake, `triage Bench warm-up purchase ${i}`)),
      until: postedInThreads,
      afterRound: (calls) => {
        warmThreads = threadMessages(calls);
      },
    });
    plans.triage = triageWarmUp.plan;
    samples.triage = triageWarmUp.samples;
    if (warmThreads.size !== PLAN.warmup) throw new Error(`warm-up: ${warmThreads.size} triage threads`);

    // Answers spread over triages, each clicked once per round; the next round clicks the question just posted.
    const answerPhase = (threads: Map<string, Message>, count: number, log: Click[][]) => {
      const ids = [...threads.keys()].slice(0, count);
      const current = new Map(threads);
      return {
        rounds: ANSWER_ROUNDS,
        build: (round: number) => {
          log[round] = ids.map((id) => {
            const message = current.get(id);
            if (!message) throw new Error(`no current question in thread ${id}`);
            return answerClick(message);
          });
          return log[round].map((click) => clickRequest(fake, click));
        },
        afterRound: (calls: readonly FakeSlackCall[]) => {
          for (const [id, message] of threadMessages(calls)) current.set(id, message);
        },
      };
    };
    const replay = (log: Click[][]) => ({
      rounds: ANSWER_ROUNDS,
      build: (round: number) => (log[round] ?? []).map((click) => clickRequest(fake, click)),
    });
    const warmClicks: Click[][] = [];
    const answerWarmUp = await runPhase({
      label: 'warm-up answers (real)',
      app: real,
      fake,
      ...answerPhase(warmThreads, Math.floor(PLAN.warmup / ANSWER_ROUNDS), warmClicks),
      until: postedInThreads,
    });
    plans.answer = answerWarmUp.plan;
    samples.answer = answerWarmUp.samples;
    const payloadsFile = join(dir, 'payloads.json');
    writeFileSync(payloadsFile, JSON.stringify(samples));

    const barePort = await freePort();
    process.stderr.write(`starting the bare Bolt baseline on :${barePort} …\n`);
    const bare = await startChild({
      name: 'bare Bolt',
      script: 'test/bench/bare-bolt.ts',
      cwd: ROOT,
      port: barePort,
      env: {
        ...env,
        PORT: String(barePort),
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.url,
        BENCH_HELP_FILE: helpFile,
        BENCH_PAYLOADS_FILE: payloadsFile,
        BENCH_CALLS_HELP: plans.help.join(','),
        BENCH_CALLS_TRIAGE: plans.triage.join(','),
        BENCH_CALLS_ANSWER: plans.answer.join(','),
      },
    });
    children.push(bare);
    process.stderr.write('warming up the baseline …\n');
    await runPhase({
      label: 'warm-up help (bare)',
      app: bare,
      fake,
      callsPerRequest: plans.help.length,
      build: () => range(PLAN.warmup).map(() => command(fake, 'help')),
    });
    await runPhase({
      label: 'warm-up triage (bare)',
      app: bare,
      fake,
      callsPerRequest: plans.triage.length,
      build: () => range(PLAN.warmup).map((i) => command(fake, `triage Bench warm-up purchase ${i}`)),
    });
    await runPhase({
      label: 'warm-up answers (bare)',
      app: bare,
      fake,
      callsPerRequest: plans.answer.length,
      ...replay(warmClicks),
    });

    // Measured runs: per path, blocks alternating between the apps (see measurePath).
    const apps = { real, bare };
    const perBlock = (total: number) => Math.floor(total / BLOCKS);
    process.stderr.write('measuring …\n');
    const rows: Row[] = [];
    rows.push(
      ...(await measurePath('help', apps, (app) => ({
        label: `help (${app})`,
        app: apps[app],
        fake,
        callsPerRequest: plans.help.length,
        build: () => range(perBlock(PLAN.help)).map(() => command(fake, 'help')),
      }))),
    );
    const threads = new Map<string, Message>();
    rows.push(
      ...(await measurePath('triage', apps, (app, block) => ({
        label: `triage (${app})`,
        app: apps[app],
        fake,
        callsPerRequest: plans.triage.length,
        build: () => range(perBlock(PLAN.triage)).map((i) => command(fake, `triage Bench purchase ${block}-${i}`)),
        afterRound: (calls) => {
          if (app === 'real') for (const [id, message] of threadMessages(calls)) threads.set(id, message);
        },
      }))),
    );
    if (threads.size !== perBlock(PLAN.triage) * BLOCKS) throw new Error(`${threads.size} triage threads measured`);
    // Block b answers the triages the real app started in block b; the baseline replays the real app's latest clicks
    // (identically shaped payloads; the baseline does not read them).
    const triages = [...threads.entries()];
    const clicks: Click[][][] = [];
    rows.push(
      ...(await measurePath('answer', apps, (app, block) => {
        const base = { label: `answers (${app})`, app: apps[app], fake, callsPerRequest: plans.answer.length };
        if (app === 'bare') return { ...base, ...replay(clicks.at(-1) ?? warmClicks) };
        const size = perBlock(PLAN.triage);
        const mine = new Map(triages.slice(block * size, (block + 1) * size));
        clicks[block] = [];
        return { ...base, ...answerPhase(mine, mine.size, clicks[block]) };
      })),
    );

    const found = ratios(rows);
    const load = [loadAtStart, loadavg()[0] ?? Number.NaN];
    process.stdout.write(`\n${markdown(rows, plans, found, load)}\n`);
    const logged = rows.filter((r) => r.app === 'real').reduce((sum, r) => sum + r.logLines, 0);
    if (logged > 0) {
      process.stderr.write(`\nthe real app logged ${logged} warn/error lines while measured; the last ones:\n`);
      process.stderr.write(`${real.output.slice(-5).join('\n')}\n`);
    }
    mkdirSync(dirname(ARTIFACT), { recursive: true });
    const json = {
      generatedAt: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      loadAverage: load,
      concurrency: CONCURRENCY,
      plan: { ...PLAN, answerRounds: ANSWER_ROUNDS },
      targets: TARGET,
      callsPerRequest: plans,
      rows,
      ratios: found,
      pass: found.every((r) => r.throughputPass && r.p99Pass),
    };
    writeFileSync(ARTIFACT, `${JSON.stringify(json, null, 2)}\n`);
    process.stderr.write(`\nwritten ${ARTIFACT}\n`);
  } catch (error) {
    for (const child of children) {
      if (child.output.length === 0) continue;
      process.stderr.write(`--- ${child.name}: last log lines ---\n${child.output.slice(-10).join('\n')}\n`);
    }
    throw error;
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
