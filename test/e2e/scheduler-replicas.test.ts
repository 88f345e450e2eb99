/**
 * Three replicas of the real service (child processes, SCHEDULER=distributed: BullMQ on the store's Redis) deliver
 * the digests owed to 1,000 procurement channels into one fake Slack Web API, and one replica is SIGKILLed about a
 * third of the way through. Every channel must get its digest exactly once: the killed replica's jobs come back
 * through BullMQ's stalled-job check, and the delivery protocol (occurrence state + Slack message metadata) must
 * neither repeat a post that went out before the kill nor drop one that did not.
 *
 * Runs on its own Redis logical database (default db 13; TEST_REPLICAS_REDIS_URL overrides), flushed before and
 * after: the children use the service's default Keyv namespace and queue name, so only a database keeps them apart.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyvInstallationStore } from '../../src/channels/slack/installation-store.js';
import { openStore } from '../../src/store/open-store.js';
import { Records } from '../../src/store/records.js';
import { quietLogger } from '../helpers/backends.js';
import { type ChildService, startChildService } from '../helpers/child-service.js';
import { type SeededChannel, seedDigestChannels } from '../helpers/digest-seed.js';
import { OAUTH } from '../helpers/slack-harness.js';
import { type FakeSlack, type FakeSlackCall, startFakeSlack } from '../support/fake-slack.js';

const REDIS_URL = process.env.TEST_REPLICAS_REDIS_URL ?? 'redis://127.0.0.1:6379/13';
const QUEUE = 'aiprocure-digests';
const CHANNELS = 1000;
const TENANTS = 10;
const REPLICAS = 3;
/** Slack answers slowly enough that every replica has posts in flight when one is killed. */
const LATENCY_MS = 40;
const RATE_LIMITED = 3;

interface Digest {
  key: string;
  channel: string;
  /** The replica that posted it (the tag of its Web API URL). */
  replica: string;
  token: string;
  at: number;
}

/** A digest the fake accepted: a 200 to chat.postMessage carrying the scheduler's metadata. */
function digestOf(call: FakeSlackCall): Digest | undefined {
  if (call.method !== 'chat.postMessage' || call.status !== 200) return undefined;
  const metadata = call.args.metadata as { event_type?: unknown; event_payload?: { key?: unknown } } | undefined;
  if (metadata?.event_type !== 'aiprocure_digest' || typeof metadata.event_payload?.key !== 'string') return undefined;
  return {
    key: metadata.event_payload.key,
    channel: String(call.args.channel),
    replica: call.via ?? '',
    token: call.token ?? '',
    at: call.at,
  };
}

const digestsIn = (calls: readonly FakeSlackCall[]) => calls.flatMap((c) => digestOf(c) ?? []);

let fake: FakeSlack | undefined;
let redis: Redis | undefined;
let queue: Queue | undefined;
const replicas: ChildService[] = [];

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  await redis.flushdb();
});

afterAll(async () => {
  await Promise.all(replicas.splice(0).map((r) => r.kill('SIGKILL')));
  await queue?.close();
  await fake?.close();
  await redis?.flushdb();
  await redis?.quit();
});

/** Resolves once BullMQ holds no digest job that is waiting, active or due for a retry. */
async function drained(q: Queue, timeoutMs: number): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await q.getJobCounts('active', 'wait', 'prioritized', 'delayed', 'completed', 'failed');
    // The job scheduler keeps exactly one delayed 'plan' job; anything more is a digest waiting for a retry.
    if ((counts.active ?? 0) + (counts.wait ?? 0) + (counts.prioritized ?? 0) === 0 && (counts.delayed ?? 0) <= 1) {
      return counts;
    }
    if (Date.now() > deadline) throw new Error(`queue not drained in ${timeoutMs} ms: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('distributed scheduler: three replicas on the real Redis', () => {
  it('posts 1,000 digests exactly once with one replica killed mid-run', { timeout: 180_000 }, async () => {
    fake = await startFakeSlack({ validate: false, latencyMs: LATENCY_MS });
    const store = await openStore(REDIS_URL, { logger: quietLogger });
    let seeded: SeededChannel[];
    try {
      ({ channels: seeded } = await seedDigestChannels(store, {
        tenants: TENANTS,
        channels: CHANNELS,
        contractsPerChannel: 1,
        kpisPerContract: 1,
      }));
    } finally {
      await store.close();
    }
    const tenantOf = new Map(seeded.map((s) => [s.channel, s.tenant]));
    // The shared service for many organisations: each tenant installed the app (OAuth) and has its own token.
    const tokenOf = new Map<string, string>();
    const installStore = await openStore(REDIS_URL, { logger: quietLogger });
    try {
      const installations = new KeyvInstallationStore(new Records(installStore), {
        installed: async () => undefined,
      });
      for (const tenant of new Set(tenantOf.values())) {
        const teamId = tenant.replace(/^slack_/, '');
        const token = fake.issueToken({ teamId, userId: 'U0ADMIN01' });
        tokenOf.set(tenant, token);
        await installations.storeInstallation({
          team: { id: teamId },
          enterprise: undefined,
          isEnterpriseInstall: false,
          user: { id: 'U0ADMIN01', token: undefined, scopes: undefined },
          bot: { token, scopes: ['chat:write'], id: 'B_BOT', userId: 'U_BOT' },
          appId: 'A_APP',
          authVersion: 'v2',
        });
      }
    } finally {
      await installStore.close();
    }
    // Slack's rate limit on the first posts: the client waits the Retry-After and the post still goes out once.
    fake.rateLimit('chat.postMessage', { times: RATE_LIMITED, retryAfterSeconds: 1 });

    const t0 = Date.now();
    const tags = Array.from({ length: REPLICAS }, (_, i) => `replica-${i + 1}`);
    // Started together, so all three are up while most digests are still owed; each calls the fake through its own
    // tagged URL, so the fake can tell who posted what.
    replicas.push(
      ...(await Promise.all(
        tags.map((tag) =>
          startChildService(
            {
              STORE_URL: REDIS_URL,
              SCHEDULER: 'distributed',
              SLACK_CLIENT_ID: OAUTH.clientId,
              SLACK_CLIENT_SECRET: OAUTH.clientSecret,
              SLACK_STATE_SECRET: OAUTH.stateSecret,
              SLACK_SIGNING_SECRET: 'replica-test-secret',
              SLACK_API_URL: fake!.urlVia(tag),
              PLAYGROUND: '0',
            },
            60_000,
          ),
        ),
      )),
    );
    const upAt = Date.now();

    // About a third of the way through, kill the replica that posted last: it certainly has posts in flight.
    await fake.waitFor((calls) => digestsIn(calls).length >= CHANNELS / 3, 90_000, `${CHANNELS / 3} digests`);
    const before = digestsIn(fake.calls);
    const lastReplica = before.at(-1)!.replica;
    const victim = replicas[tags.indexOf(lastReplica)]!;
    const survivors = replicas.filter((r) => r !== victim);
    await victim.kill('SIGKILL');
    const killedAt = Date.now();

    await fake.waitFor(
      (calls) => new Set(digestsIn(calls).map((d) => d.channel)).size >= CHANNELS,
      120_000,
      `${CHANNELS} channels with a digest`,
    );
    const allArrivedAt = Date.now();
    // A post the victim made just before dying is already in the fake, but its job is retried only once BullMQ
    // sees the job stalled (lock 15 s); wait for that retry, which must recognise the post and not repeat it.
    queue = new Queue(QUEUE, { connection: { url: REDIS_URL, maxRetriesPerRequest: null } });
    const counts = await drained(queue, 90_000);
    const drainedAt = Date.now();

    const digests = digestsIn(fake.calls);
    const perChannel = new Map<string, number>();
    for (const d of digests) perChannel.set(d.channel, (perChannel.get(d.channel) ?? 0) + 1);
    const twice = [...perChannel].filter(([, n]) => n > 1).map(([channel]) => channel);
    const missing = seeded.filter((s) => !perChannel.has(s.channel)).map((s) => s.channel);
    const byReplica = Object.fromEntries(tags.map((t) => [t, digests.filter((d) => d.replica === t).length]));
    const histories = fake.callsOf('conversations.history');
    const recovered =
      survivors
        .flatMap((r) => r.output)
        .join('')
        .split('digest had gone out before a crash').length - 1;
    const limited = fake.callsOf('chat.postMessage').filter((c) => c.status === 429);
    console.info(
      `[scheduler-replicas] replicas up in ${upAt - t0} ms; killed ${lastReplica} after ${before.length} digests ` +
        `(${killedAt - t0} ms); all ${CHANNELS} channels served at ${allArrivedAt - t0} ms; queue drained at ` +
        `${drainedAt - t0} ms; digests by replica ${JSON.stringify(byReplica)}; history look-ups ${histories.length}, ` +
        `posts recognised after the crash ${recovered}; 429s ${limited.length}; jobs ${JSON.stringify(counts)}`,
    );

    expect({ twice, missing }).toEqual({ twice: [], missing: [] });
    expect(digests).toHaveLength(CHANNELS);
    expect(new Set(digests.map((d) => d.key)).size).toBe(CHANNELS);
    // Each key names its occurrence: the channel's tenant, the platform, the channel and a local date.
    for (const d of digests) {
      expect(d.key).toMatch(new RegExp(`^${tenantOf.get(d.channel)}\\|slack\\|${d.channel}\\|\\d{4}-\\d{2}-\\d{2}$`));
    }
    // Each digest went out with its own tenant's token.
    for (const d of digests) expect(d.token).toBe(tokenOf.get(tenantOf.get(d.channel) ?? ''));
    expect(counts.failed ?? 0).toBe(0);
    // All three worked, and the two left alive finished.
    for (const tag of tags) expect(byReplica[tag]).toBeGreaterThan(0);
    expect(digests.filter((d) => d.replica === lastReplica && d.at > killedAt)).toEqual([]);
    for (const r of survivors) expect(r.process.exitCode).toBeNull();
    // The victim died with posts in flight: their jobs were retried and looked the post up in the channel history.
    expect(histories.length).toBeGreaterThan(0);
    // Retry-After honoured: each rate-limited channel's post went out again at least a second later.
    expect(limited).toHaveLength(RATE_LIMITED);
    for (const call of limited) {
      const sent = digests.find((d) => d.channel === call.args.channel);
      expect(sent, `retry of the rate-limited post to ${String(call.args.channel)}`).toBeDefined();
      expect(sent!.at - call.at).toBeGreaterThanOrEqual(1000);
    }
  });
});
