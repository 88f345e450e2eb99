/**
 * Distributed mode: DistributedScheduler (BullMQ) on the local Redis, two replicas over two store handles, the
 * real stack and Slack poster against the fake Web API. Each test has its own Keyv namespace and queue, and
 * removes both at the end.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Contract } from '../../src/core/contracts/contract.js';
import { type DistributedDeps, DistributedScheduler } from '../../src/scheduler/distributed.js';
import { REDIS_URL, testNamespace } from '../helpers/backends.js';
import { MutableClock } from '../helpers/clock.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { makeContract } from '../unit/contracts/helpers.js';
import { digestPosts, metadataKey, openStack, type Stack, saveAll, schedulerDeps, slackPosterFor } from './stack.js';

const LONDON = 'slack_TLONDON';
const NEW_YORK = 'slack_TNEWYORK';

/** Four channels, three in London and one in New York; each has a review due 1 May that nobody records. */
const CONTRACTS: Contract[] = [
  makeContract({ id: 'C-GB0001', tenant: LONDON, channel: 'CLONDON01' }),
  makeContract({ id: 'C-GB0002', tenant: LONDON, channel: 'CLONDON02' }),
  makeContract({ id: 'C-GB0003', tenant: LONDON, channel: 'CLONDON03' }),
  makeContract({ id: 'C-NY0001', tenant: NEW_YORK, channel: 'CNEWYORK1', timeZone: 'America/New_York' }),
];

const keysFor = (date: string) => CONTRACTS.map((c) => `${c.tenant}|slack|${c.channel}|${date}`).sort();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('distributed scheduler on Redis', () => {
  let fake: FakeSlack;
  let clock: MutableClock;
  let namespace: string;
  let queueName: string;
  let stacks: Stack[];
  let replicas: DistributedScheduler[];

  beforeEach(async () => {
    fake = await startFakeSlack();
    // Monday 4 May, 14:00 in London, 09:00 in New York: both tenants' digest hours have passed.
    clock = new MutableClock(new Date('2026-05-04T13:00:00Z'));
    namespace = testNamespace();
    queueName = `digests-${randomUUID().slice(0, 8)}`;
    // Two replicas' store handles on one Redis namespace.
    stacks = await Promise.all([1, 2].map(() => openStack(REDIS_URL, { clock, namespace })));
    await stacks[0]!.settings.update(NEW_YORK, { timeZone: 'America/New_York', digestHour: 8 });
    await saveAll(stacks[1]!, CONTRACTS);
    replicas = [];
  });

  afterEach(async () => {
    for (const replica of replicas) await replica.stop();
    const queue = new Queue(queueName, { connection: { url: REDIS_URL } });
    await queue.obliterate({ force: true });
    await queue.close();
    await stacks[0]?.store.keyv.clear();
    for (const stack of stacks) await stack.close();
    await fake.close();
  });

  const replica = (stack: Stack, planEveryMs: number, retries: Partial<DistributedDeps> = {}) => {
    const scheduler = new DistributedScheduler({
      ...schedulerDeps(stack, { slack: slackPosterFor(stack, fake) }, clock),
      redisUrl: REDIS_URL,
      queueName,
      planEveryMs,
      ...retries,
    });
    replicas.push(scheduler);
    return scheduler;
  };

  const postedKeys = () => digestPosts(fake).map((call) => metadataKey(call)!);

  it('two replicas deliver each due digest once, and keep planning as days pass', { timeout: 90_000 }, async () => {
    await Promise.all(stacks.map((stack) => replica(stack, 500).start()));

    await fake.waitFor(() => postedKeys().length >= 4, 20_000, 'four digests');
    // Several planning rounds on both replicas later, still one each.
    await sleep(2000);
    expect(postedKeys().sort()).toEqual(keysFor('2026-05-04'));

    // The next day, past the hour in both zones: the periodic planner picks the digests up.
    clock.set('2026-05-05T13:00:00Z');
    await fake.waitFor(() => postedKeys().length >= 8, 20_000, 'eight digests');
    await sleep(2000);
    expect(postedKeys().sort()).toEqual([...keysFor('2026-05-04'), ...keysFor('2026-05-05')].sort());
    expect(fake.violations).toEqual([]);
  });

  it('catches up at start, once per channel, after every replica was down across two digest hours', {
    timeout: 90_000,
  }, async () => {
    await replica(stacks[0]!, 500).start();
    await fake.waitFor(() => postedKeys().length >= 4, 20_000, 'Monday digests');
    // What /readyz reports of a replica's scheduler: running, then stopped.
    expect(replicas.map((r) => r.health())).toEqual(['ok']);
    for (const scheduler of replicas.splice(0)) {
      await scheduler.stop();
      expect(scheduler.health()).toBe('stopped');
    }

    // Back on Wednesday at 15:00 London, 10:00 New York. The planner's period is a minute, longer than the wait
    // below: these go out because the replicas plan as they start.
    clock.set('2026-05-06T14:00:00Z');
    await Promise.all(stacks.map((stack) => replica(stack, 60_000).start()));
    await fake.waitFor(() => postedKeys().length >= 8, 20_000, 'Wednesday digests');
    await sleep(1500);

    expect(postedKeys().sort()).toEqual([...keysFor('2026-05-04'), ...keysFor('2026-05-06')].sort());
    for (const contract of CONTRACTS) {
      const target = { tenant: contract.tenant, platform: 'slack' as const, channel: contract.channel };
      expect(await stacks[1]!.digests.occurrence(target, '2026-05-06')).toMatchObject({ state: 'sent' });
      expect(await stacks[1]!.digests.occurrence(target, '2026-05-05')).toBeUndefined();
    }
  });

  it('gives a planning round one attempt and keeps none that finished in Redis', { timeout: 60_000 }, async () => {
    await replica(stacks[0]!, 200).start();
    await fake.waitFor(() => postedKeys().length >= 4, 20_000, 'four digests');
    // Ten or so planning rounds.
    await sleep(2000);

    const queue = new Queue(queueName, { connection: { url: REDIS_URL } });
    try {
      const planner = await queue.getJobScheduler('digest-planner');
      // The next minute's round is the retry; the digests keep their own attempts.
      expect(planner?.template?.opts).toMatchObject({ attempts: 1, removeOnComplete: true });
      const completed = await queue.getCompleted();
      expect(completed.map((job) => job.name).sort()).toEqual(['digest', 'digest', 'digest', 'digest']);
    } finally {
      await queue.close();
    }
  });

  it('sends a digest whose attempts all failed during a Slack outage once Slack is back, and only once', {
    timeout: 90_000,
  }, async () => {
    const down = CONTRACTS[0]!.channel;
    // Slack fails that channel for as long as every attempt lasts (the other channels are fine): an error that may
    // pass, so it is retried (a permanent one, such as an archived channel, is not: see test/e2e/dead-ends.test.ts).
    let outage = true;
    fake.options.errorFor = (method, args) =>
      outage && method === 'chat.postMessage' && args.channel === down ? 'internal_error' : undefined;
    await replica(stacks[0]!, 300, { attempts: 2, backoffMs: 50, retryFailedAfterMs: 1500 }).start();
    await fake.waitFor(() => postedKeys().length >= 3, 20_000, 'the three healthy channels');
    const refused = () => fake.callsOf('chat.postMessage').filter((c) => c.args.channel === down).length;
    await fake.waitFor(() => refused() >= 2, 20_000, 'both attempts refused');
    await sleep(500);
    expect(refused()).toBe(2);
    expect(postedKeys()).not.toContain(`${LONDON}|slack|${down}|2026-05-04`);

    // Slack is back: a later planning round gives the failed digest a fresh start.
    outage = false;
    await fake.waitFor(() => postedKeys().length >= 4, 20_000, 'the recovered digest');
    await sleep(1500);
    expect(postedKeys().sort()).toEqual(keysFor('2026-05-04'));
  });
});
