import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createSlackChannel, type SlackChannel } from './channels/slack/app.js';
import { SlackPeople } from './channels/slack/people.js';
import type { TeamsAuthOverrides, TeamsChannel } from './channels/teams/app.js';
import { splitThread } from './channels/teams/tenant.js';
import { commonsRoutes, commonsUrls } from './commons/feed.js';
import { type CommonsPuller, startCommonsPuller } from './commons/puller.js';
import { HttpFeedReader } from './commons/reader.js';
import { CommonsKeys } from './commons/signing.js';
import type { Config } from './config.js';
import { AccessService } from './core/access/access.js';
import { ContractService } from './core/contracts/service.js';
import { TenantExporter } from './core/export/tenant-export.js';
import { History } from './core/history/recorder.js';
import { HistoryService } from './core/history/service.js';
import { HomeService } from './core/home/service.js';
import { CommonsService } from './core/lessons/commons-service.js';
import { LessonService } from './core/lessons/service.js';
import { LifecycleService } from './core/lifecycle/service.js';
import { OutboxWorker } from './core/outbox-worker.js';
import { type Clock, systemClock } from './core/ports.js';
import { ScanService } from './core/procurement/scan-service.js';
import { ProcurementService } from './core/procurement/service.js';
import { SettingsService } from './core/settings.js';
import { TransparencyService } from './core/transparency/service.js';
import { parseOutboxMember, TriageOutbox } from './core/triage/effects.js';
import { loadPack } from './core/triage/pack-loader.js';
import { TriageService } from './core/triage/service.js';
import { Downloads } from './http/downloads.js';
import { createHttpApp, finishHttpApp, listen } from './http/server.js';
import type { Logger } from './log.js';
import { InFlight } from './ops/in-flight.js';
import { Metrics } from './ops/metrics.js';
import { digestBuilder } from './scheduler/build.js';
import { startScheduler } from './scheduler/start.js';
import type { ChannelPoster, Scheduler } from './scheduler/types.js';
import { KeyvCommonsRepository } from './store/commons-repository.js';
import { KeyvContractRepository } from './store/contract-repository.js';
import { KeyvConversationReferenceRepository } from './store/conversation-reference-repository.js';
import { Deduper } from './store/dedupe.js';
import { KeyvDialogueRepository } from './store/dialogue-repository.js';
import { KeyvDigestRepository } from './store/digest-repository.js';
import { SetDueIndex } from './store/due-index.js';
import { KeyvHistoryRepository } from './store/history-repository.js';
import { KeyvLessonRepository } from './store/lesson-repository.js';
import { StoreLocker } from './store/locks.js';
import { openStore, type StoreHandle } from './store/open-store.js';
import { Pacer } from './store/pacer.js';
import { KeyvPackRepository } from './store/pack-repository.js';
import { KeyvProcurementRepository } from './store/procurement-repository.js';
import { Records } from './store/records.js';
import { KeyvRolesRepository } from './store/roles-repository.js';
import { KeyvSettingsRepository } from './store/settings-repository.js';
import { loadTransparencyValidator } from './transparency/conformance.js';

export const DEFAULT_PACK = fileURLToPath(new URL('../prompts/triage/default.yaml', import.meta.url));

export interface RunningService {
  server: Server;
  port: number;
  store: StoreHandle;
  records: Records;
  triage: TriageService;
  contracts: ContractService;
  lifecycle: LifecycleService;
  contractRepository: KeyvContractRepository;
  procurement: ProcurementService;
  procurementRepository: KeyvProcurementRepository;
  settings: SettingsService;
  /** The settings records themselves (tests and tools seed them without a chat). */
  settingsRepository: KeyvSettingsRepository;
  access: AccessService;
  digests: KeyvDigestRepository;
  scheduler?: Scheduler;
  slack?: SlackChannel;
  teams?: TeamsChannel;
  metrics: Metrics;
  commons: CommonsService;
  /** Pulls the subscribed feeds on the schedule; `pullAll` runs a round now. */
  commonsPuller: CommonsPuller;
  /**
   * Stops intake (503 for new requests, /readyz not ready), lets in-flight requests and the digest in hand finish
   * within `graceMs` (SHUTDOWN_GRACE_MS by default), then closes the scheduler and the store. Resolves whether
   * everything finished in time.
   */
  close(graceMs?: number): Promise<{ drained: boolean }>;
}

/** The Slack slash command (as in manifests/slack/manifest.yaml). */
const SLACK_COMMAND = '/aiprocure';
/** The kpi command as a digest's readers type it: Slack's slash command; Teams, to the bot (chats need no mention). */
export const KPI_COMMANDS = { slack: `${SLACK_COMMAND} kpi`, teams: 'kpi' } as const;

export interface ServiceOptions {
  clock?: Clock;
  /** Keyv namespace (tests isolate themselves with their own). */
  namespace?: string;
  /** Queue name of the distributed scheduler (tests isolate themselves with their own). */
  queueName?: string;
  /** Where botbuilder checks and gets tokens (tests point it at a local issuer). */
  teamsAuth?: TeamsAuthOverrides;
  /** Aborted by a signal during start-up: the scheduler's catch-up stops after the digest in hand. */
  signal?: AbortSignal;
  /** How often the outbox worker looks for owed effects (default 1 s). */
  outboxIntervalMs?: number;
}

const SWEEP_EVERY_MS = 3_600_000;
/** Longer than an effect's last backoff (5 minutes) and its claim: owed for this long means nothing is running it. */
const OUTBOX_STUCK_MS = 15 * 60_000;

/** True when `work` finishes within `ms`, false (work left running) otherwise. */
async function withinGrace(work: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Which tenants publish as the organisation: those COMMONS_TENANTS lists; without the list, any, but only where the
 * deployment serves one organisation (one Slack workspace, one Entra tenant). A multi-tenant deployment must say.
 */
function mayPublish(config: Config, tenant: string): boolean {
  if (config.commons.tenants) return config.commons.tenants.includes(tenant);
  const teams = config.teams.allowedTenants;
  return !config.slack?.oauth && teams !== '*' && teams.length <= 1;
}

/** What /healthz says of the deployment, so an operator can see at a glance how it authenticates. */
function healthOf(config: Config) {
  return {
    mode: config.local ? 'local' : 'authenticated',
    slack: config.slack
      ? config.slack.oauth
        ? 'oauth'
        : config.slack.socketMode
          ? 'socket'
          : 'single-workspace'
      : 'off',
    teams: !config.teams.enabled ? 'off' : config.local ? 'local' : 'authenticated',
  };
}

/**
 * The composition root: config → store → services → channels → scheduler → one HTTP server. `main.ts` adds the
 * process concerns (signals, exit codes); tests call this directly to run the real service in-process.
 */
export async function startService(
  config: Config,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const clock = options.clock ?? systemClock;
  const packPath = config.triagePack ?? DEFAULT_PACK;
  const pack = await loadPack(packPath);
  const packText = await readFile(packPath, 'utf8');
  logger.info({ pack: pack.id, version: pack.version, hash: pack.hash.slice(0, 12) }, 'question pack loaded');

  const store = await openStore(config.storeUrl, { logger, namespace: options.namespace });
  const records = new Records(store);
  const metrics = new Metrics();
  const inFlight = new InFlight();
  // SQLite is the one-process default; with Redis or PostgreSQL, replicas serialise through the store too.
  const crossProcess = store.kind !== 'sqlite';
  const locker = new StoreLocker(records, {
    crossProcess,
    onOverrun: (key) => logger.warn({ key }, 'a lock was held past its maximum; released so others can go on'),
    onAcquired: (key, ms) => metrics.lockWaited(key, ms),
  });
  const settingsRepository = new KeyvSettingsRepository(records);
  const dialogues = new KeyvDialogueRepository(records);
  const packs = new KeyvPackRepository(records, { pack, text: packText, source: packPath });
  const digests = new KeyvDigestRepository(records);
  const historyRepository = new KeyvHistoryRepository(records, locker, { soleWriter: !crossProcess });
  const history = new History(historyRepository, clock);
  const rolesRepository = new KeyvRolesRepository(records, locker);
  const access = new AccessService({
    roles: rolesRepository,
    admins: config.admins,
    history,
  });
  // A new contract is owed digests in its channel, and its retention is tracked from the start.
  const births: { lifecycle?: LifecycleService } = {};
  const contractRepository = new KeyvContractRepository(records, async (contract) => {
    await digests.addTarget({ tenant: contract.tenant, platform: contract.platform, channel: contract.channel });
    await births.lifecycle?.born('contract', contract.tenant, contract.id);
  });
  const procurementRepository = new KeyvProcurementRepository(records, async (p) => {
    // Its checklist items join the procurement channel's digest, even before any contract reminds there.
    await digests.addTarget({ tenant: p.tenant, platform: p.platform, channel: p.channel });
  });
  const lessonRepository = new KeyvLessonRepository(records);
  const commonsRepository = new KeyvCommonsRepository(records);
  const lifecycle = new LifecycleService({
    dialogues,
    procurements: procurementRepository,
    lessons: {
      get: (tenant, id) => lessonRepository.get(tenant, id),
      // A deleted lesson leaves the commons feed too.
      remove: async (tenant, id) => {
        await commonsRepository.deleteShared(tenant, id);
        await lessonRepository.remove(tenant, id);
      },
    },
    contracts: contractRepository,
    settings: settingsRepository,
    history,
    historyRepository,
    retention: new SetDueIndex(records, 'sys:retention'),
    access,
    locker,
    clock,
  });
  births.lifecycle = lifecycle;
  const defaultProcurementChannels = { slack: config.procurementChannel };
  const outboxIndex = new SetDueIndex(records, 'sys:outbox');
  metrics.watchOutbox(() => outboxIndex.depth());
  const commonsKeys = new CommonsKeys(records, locker, config.commons.privateKey);
  // Filled in once the server listens (local mode's address has the port in it).
  let baseUrl: () => string | undefined = () => config.publicUrl;
  const commons = new CommonsService({
    commons: commonsRepository,
    lessons: lessonRepository,
    reader: new HttpFeedReader({ timeoutMs: config.platformTimeoutMs, publicOnly: !config.commons.allowHttp }),
    history,
    access,
    clock,
    locker,
    ...(config.commons.org
      ? {
          publishing: {
            org: config.commons.org,
            mayPublish: (tenant: string) => mayPublish(config, tenant),
            feedUrl: () => commonsUrls(baseUrl()).feedUrl,
            keyId: async () => (await commonsKeys.get()).keyId,
          },
        }
      : {}),
    allowHttp: config.commons.allowHttp,
    // Always a hash: an address is longer than an id may be.
    idOf: (url) => createHash('sha256').update(url).digest('base64url').slice(0, 22),
  });
  const lessons = new LessonService({
    subscribed: commons,
    births: lifecycle,
    lessons: lessonRepository,
    procurements: procurementRepository,
    contracts: contractRepository,
    dialogues,
    packs,
    history,
    access,
    clock,
  });
  const triageOutbox = new TriageOutbox({
    dialogues,
    packs,
    settings: settingsRepository,
    locker,
    clock,
    index: outboxIndex,
    // Longer than a platform call can take: the Web API client's timeout, with its retries.
    leaseMs: 5 * config.platformTimeoutMs + 5000,
    token: randomUUID(),
    defaultProcurementChannels,
    relatedLessons: lessons,
    onProblem: ({ dialogue, effect, error, gaveUp }) =>
      logger.warn(
        { dialogue, effect, err: error },
        gaveUp ? 'a triage message could not be posted; given up' : 'a triage message could not be posted; will retry',
      ),
  });
  const triage = new TriageService({
    outbox: triageOutbox,
    births: lifecycle,
    dialogues,
    settings: settingsRepository,
    packs,
    locker,
    clock,
    access,
    history,
    meter: metrics,
    defaultProcurementChannels,
  });
  const procurement = new ProcurementService({
    procurements: procurementRepository,
    dialogues,
    packs,
    settings: settingsRepository,
    history,
    locker,
    clock,
    access,
    defaultProcurementChannels,
    channelOfConversation: { teams: (conversation) => splitThread(conversation).channel },
    onPublishError: (error, what) => logger.warn({ err: error, what }, 'a checklist message could not be redrawn'),
  });
  const scans = new ScanService(procurement);
  const home = new HomeService({ procurements: procurementRepository, contracts: contractRepository, access, clock });
  const conformance = loadTransparencyValidator(config.conformanceDir);
  if ('absent' in conformance) logger.warn({ why: conformance.absent }, 'transparency drafts will not be validated');
  const transparency = new TransparencyService({
    procurements: procurementRepository,
    dialogues,
    packs,
    contracts: contractRepository,
    access,
    clock,
    ...('validate' in conformance ? { validate: conformance.validate } : { notValidated: conformance.absent }),
  });
  const contracts = new ContractService({
    award: procurement,
    contracts: contractRepository,
    history,
    dialogues,
    settings: settingsRepository,
    packs,
    locker,
    clock,
    access,
    defaultProcurementChannels,
    channelOfConversation: { teams: (conversation) => splitThread(conversation).channel },
  });
  const settings = new SettingsService({
    settings: settingsRepository,
    history,
    clock,
    access,
    defaultProcurementChannels,
    deliveries: digests,
  });

  let draining = false;
  let closing: Promise<{ drained: boolean }> | undefined;
  let scheduler: Scheduler | undefined;
  const http = createHttpApp({
    local: config.local,
    inFlight,
    health: () => healthOf(config),
    metrics: { registry: metrics, token: config.metricsToken },
    draining: () => draining,
    readiness: {
      shutdown: () => (draining ? 'stopping' : 'ok'),
      store: async () => {
        try {
          await records.probe();
          return 'ok';
        } catch (error) {
          logger.warn({ err: error }, 'readiness: the store did not answer');
          return 'unreachable';
        }
      },
      ...(config.scheduler === 'off' ? {} : { scheduler: () => scheduler?.health() ?? 'starting' }),
      // Stuck: something has been owed for longer than every retry would take (a worker that stopped working).
      outbox: async () => {
        const { oldestDueAt } = await outboxIndex.depth();
        return oldestDueAt !== undefined && clock.now().getTime() - oldestDueAt > OUTBOX_STUCK_MS ? 'stuck' : 'ok';
      },
    },
  });
  let port = 0;
  baseUrl = () => config.publicUrl ?? (config.local ? `http://localhost:${port}` : undefined);
  const downloads = new Downloads(records, baseUrl);
  downloads.route(http);
  commonsRoutes(
    http,
    {
      org: config.commons.org,
      baseUrl,
      // Only what a publishing tenant shared: a tenant taken off COMMONS_TENANTS leaves the feed at once.
      newest: async () => (await commonsRepository.newestShared()).filter((s) => mayPublish(config, s.tenant)),
      keys: commonsKeys,
    },
    (error) => logger.warn({ err: error }, 'the commons feed could not be served'),
  );
  const deduper = new Deduper(records);
  const pacer = new Pacer(records);
  const shared = {
    logger,
    inFlight,
    triage,
    contracts,
    procurement,
    scans,
    home,
    transparency,
    lessons,
    commons,
    settings,
    access,
    deduper,
    history: new HistoryService({ repository: historyRepository, access, deleter: lifecycle }),
    lifecycle,
    exporter: new TenantExporter({
      settings: settingsRepository,
      roles: rolesRepository,
      contracts: contractRepository,
      procurements: procurementRepository,
      lessons: lessonRepository,
      commons: commonsRepository,
      dialogues,
      history: historyRepository,
      access,
      clock,
    }),
    ocdsPrefix: config.ocdsPrefix,
  };
  const posters: Partial<Record<'slack' | 'teams', ChannelPoster>> = {};
  let slack: SlackChannel | undefined;
  if (config.slack) {
    slack = createSlackChannel(
      { config: config.slack, http, records, publicUrl: config.publicUrl, timeoutMs: config.platformTimeoutMs },
      { ...shared, command: SLACK_COMMAND, pacer, people: new SlackPeople() },
    );
    posters.slack = slack.poster;
    await slack.start();
    logger.info({ mode: healthOf(config).slack }, 'Slack channel ready');
  } else {
    logger.info('Slack is not configured (no SLACK_BOT_TOKEN or SLACK_CLIENT_ID)');
  }
  let teams: TeamsChannel | undefined;
  if (config.teams.enabled) {
    // Loaded only when used: teams-ai and botbuilder weigh about 100 MB.
    const [{ createTeamsChannel }, { TeamsPeople }] = await Promise.all([
      import('./channels/teams/app.js'),
      import('./channels/teams/people.js'),
    ]);
    teams = createTeamsChannel(
      { config: config.teams, http, timeoutMs: config.platformTimeoutMs, auth: options.teamsAuth },
      {
        ...shared,
        references: new KeyvConversationReferenceRepository(records),
        pacer,
        downloads,
        people: new TeamsPeople(),
      },
    );
    posters.teams = teams.poster;
  } else {
    logger.info('Teams is off: Slack is configured and MICROSOFT_APP_ID is not (PLAYGROUND=1 turns local mode on)');
  }
  finishHttpApp(http, logger);

  const server = await listen(http, config.port, config.host);
  port = (server.address() as AddressInfo).port;
  logger.info({ port, host: config.host, store: store.kind, ...healthOf(config) }, 'listening');

  scheduler =
    config.scheduler === 'off' || options.signal?.aborted
      ? undefined
      : await startScheduler(config.scheduler, {
          storeUrl: config.storeUrl,
          queueName: options.queueName,
          digests,
          settings: settingsRepository,
          // Always through the store (even on SQLite: an overlapping restart is two processes for a moment), with a
          // short lease: if this process dies mid-delivery, another takes the digest over within seconds.
          locker: new StoreLocker(records, {
            crossProcess: true,
            ttlMs: 15_000,
            waitMs: 30_000,
            onAcquired: (key, ms) => metrics.lockWaited(key, ms),
          }),
          posters,
          clock,
          logger,
          signal: options.signal,
          admins: (tenant) => access.adminsOf(tenant),
          observe: (outcome) => metrics.digest(outcome),
          postingClaimMs: 5 * config.platformTimeoutMs + 5000,
          build: digestBuilder(settingsRepository, contracts, KPI_COMMANDS, procurement),
        });
  if (scheduler) logger.info({ mode: scheduler.mode }, 'reminder scheduler started');
  // Effects a crashed process left owed, and retries after a failure, on every replica (claims keep them apart).
  const outboxWorker = new OutboxWorker({
    index: outboxIndex,
    clock,
    intervalMs: options.outboxIntervalMs,
    drain: async (member) => {
      const owner = parseOutboxMember(member);
      const dialogue = owner && (await dialogues.get(owner.tenant, owner.id));
      if (!owner || !dialogue) {
        await outboxIndex.done(member);
        return;
      }
      const surface = await (dialogue.platform === 'slack' ? slack?.poster : teams?.poster)?.surfaceFor(
        dialogue.tenant,
        dialogue.channel,
      );
      if (!surface) {
        // The platform is not configured here (or Teams has no address yet): look again later.
        await outboxIndex.schedule(member, clock.now().getTime() + 5 * 60_000);
        return;
      }
      await inFlight.track(triageOutbox.drain(dialogue.tenant, dialogue.id, surface));
    },
    onError: (member, error) => logger.warn({ member, err: error }, 'outbox: effects still owed'),
  });
  if (!options.signal?.aborted) outboxWorker.start();
  const commonsPuller = startCommonsPuller({
    repository: commonsRepository,
    commons,
    records,
    intervalMs: config.commons.pullMinutes * 60_000,
    claimMs: 3 * config.platformTimeoutMs + 30_000,
    logger,
  });
  // Keyv deletes an expired row only when it is read; the rest (digest occurrences, dedupe marks, downloads) are
  // swept every hour. Every replica may sweep: a delete is a delete.
  // Records past their retention go in the same round (a triage or contract, with its tombstone in the history).
  const sweeper = setInterval(() => {
    store.sweepExpired().then(
      (deleted) => deleted > 0 && logger.info({ deleted }, 'swept expired store rows'),
      (error: unknown) => logger.warn({ err: error }, 'could not sweep expired store rows'),
    );
    lifecycle.sweep().then(
      (deleted) => deleted > 0 && logger.info({ deleted }, 'deleted records past their retention'),
      (error: unknown) => logger.warn({ err: error }, 'could not sweep records past their retention'),
    );
  }, SWEEP_EVERY_MS);
  sweeper.unref();

  const running: RunningService = {
    server,
    port,
    store,
    records,
    triage,
    contracts,
    lifecycle,
    contractRepository,
    procurement,
    procurementRepository,
    settings,
    settingsRepository,
    access,
    digests,
    scheduler,
    slack,
    teams,
    metrics,
    commons,
    commonsPuller,
    // Once: a signal and a test's cleanup may both ask.
    close: (graceMs = config.shutdownGraceMs) => {
      closing ??= shutDown(graceMs);
      return closing;
    },
  };
  async function shutDown(graceMs: number): Promise<{ drained: boolean }> {
    clearInterval(sweeper);
    // Still listening while it drains: /readyz says not ready and new work gets a 503, so load balancers and
    // the platforms' retries go elsewhere, while the work in hand finishes.
    draining = true;
    const drained = await withinGrace(
      Promise.all([
        scheduler?.stop(),
        outboxWorker.stop(),
        commonsPuller.stop(),
        slack?.stop(),
        inFlight.drain(graceMs),
      ]).then(() => inFlight.size === 0),
      graceMs,
    );
    if (!drained) {
      logger.warn({ graceMs, inFlight: inFlight.size }, 'shutdown grace ran out with work still running');
    }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await store.close();
    return { drained };
  }
  return running;
}
