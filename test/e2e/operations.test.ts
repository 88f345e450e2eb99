/**
 * What an operator sees and relies on: /readyz (the store answers, the scheduler runs, the replica is not stopping),
 * /metrics in Prometheus' text format (behind a token outside local mode), and a shutdown that stops intake and
 * lets the work in hand finish, on the real Bolt and teams-ai apps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { POSTGRES_URL } from '../helpers/backends.js';
import { londonNine, SlackContracts } from '../helpers/contracts-driver.js';
import { buttons, CHANNEL, SlackHarness } from '../helpers/slack-harness.js';
import { cardActions, messageCard, TeamsHarness } from '../helpers/teams-harness.js';
import { holdFirst } from '../support/hold.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { CHANNEL_ID } from '../support/teams-activities.js';
import { waitUntil } from '../support/wait.js';
import { rawAnswers } from '../unit/triage-helpers.js';

const METRICS_TOKEN = 'metrics-token-0123456789';
const ANSWERS = rawAnswers('benefits-scoring');

/** The fixture's answer to a question as one option id (a one-option multi answer is its one button). */
const firstOption = (id: string) => [ANSWERS[id]].flat()[0];

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
function keep<T extends { close(): Promise<unknown> }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}

async function readyz(baseUrl: string) {
  const res = await fetch(`${baseUrl}/readyz`);
  return { status: res.status, body: (await res.json()) as { ready: boolean; checks: Record<string, string> } };
}

/** One sample of a Prometheus text exposition: `name{labels} value`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).match(/^\{([^}]*)\}/)?.[1] ?? '';
    const have = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

describe('/readyz', () => {
  it('is ready while the store answers, says which check fails when it stops, and recovers with it', async () => {
    const target = new URL(POSTGRES_URL);
    const proxy: TcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(() => proxy.close());
    const via = new URL(POSTGRES_URL);
    via.port = String(proxy.port);
    const h = keep(await SlackHarness.start({ storeUrl: via.toString(), env: { scheduler: 'embedded' } }));

    expect(await readyz(h.baseUrl)).toEqual({
      status: 200,
      body: { ready: true, checks: { shutdown: 'ok', store: 'ok', scheduler: 'ok', outbox: 'ok' } },
    });
    proxy.cut();
    const down = await readyz(h.baseUrl);
    expect(down.status).toBe(503);
    expect(down.body.ready).toBe(false);
    expect(down.body.checks.store).not.toBe('ok');
    expect(down.body.checks.scheduler).toBe('ok');
    // /healthz is liveness: the process is fine, so an orchestrator does not restart it for a store outage.
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);

    proxy.restore();
    await waitUntil(async () => (await readyz(h.baseUrl)).status === 200, 15_000, 'ready again');
  });

  it('says the outbox is stuck when effects have been owed for longer than every retry would take', async () => {
    // The worker looks once at start, then not for an hour: nothing runs what is owed.
    const h = keep(await SlackHarness.start({ outboxIntervalMs: 3_600_000 }));
    expect((await readyz(h.baseUrl)).body.checks.outbox).toBe('ok');
    const owedSince = Date.now() - 20 * 60_000;
    await h.service!.records.sets.add('sys:outbox', [{ member: '["dialogue","slack_T111","lost"]', score: owedSince }]);
    expect(await readyz(h.baseUrl)).toMatchObject({ status: 503, body: { checks: { outbox: 'stuck' } } });
  });
});

describe('/metrics', () => {
  it('counts requests, acks, dialogues, digests and lock waits, for a scraper with the token', async () => {
    const slack = keep(await SlackContracts.start(undefined, { metricsToken: METRICS_TOKEN }));
    const { summary } = await slack.triage();
    await slack.register(summary);
    const posted = await slack.tickAt(londonNine('2026-05-01'));
    expect(posted).toHaveLength(1);

    const base = slack.harness.baseUrl;
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-000000000' } })).status,
    ).toBe(401);
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(sample(text, 'aiprocure_dialogues_total', { event: 'started' })).toBe(1);
    expect(sample(text, 'aiprocure_dialogues_total', { event: 'completed', tier: 'high' })).toBe(1);
    expect(sample(text, 'aiprocure_digests_total', { outcome: 'sent' })).toBe(1);
    const events = sample(text, 'aiprocure_http_requests_total', { route: '/slack/events', outcome: '2xx' }) ?? 0;
    expect(events).toBeGreaterThan(10);
    // Every Slack request's answer is its ack: one observation each.
    expect(sample(text, 'aiprocure_ack_seconds_count', { platform: 'slack' })).toBe(events);
    expect(sample(text, 'aiprocure_http_requests_total', { route: '/metrics', outcome: '4xx' })).toBe(2);
    expect(sample(text, 'aiprocure_lock_wait_seconds_count', { kind: 'dialogue' })).toBeGreaterThan(5);
    expect(sample(text, 'aiprocure_lock_wait_seconds_count', { kind: 'digest' })).toBeGreaterThanOrEqual(1);
    // Every post the triage owed went out.
    expect(sample(text, 'aiprocure_outbox_depth', {})).toBe(0);
    expect(sample(text, 'aiprocure_outbox_oldest_seconds', {})).toBe(0);
    // No tenant, channel or user is ever a label.
    expect(text).not.toMatch(/T111|CTRIAGE1|UANA|CPROCURE1/);
  });

  it('is off outside local mode without a token, and open on this machine in local mode', async () => {
    const slack = keep(await SlackHarness.start());
    const off = await fetch(`${slack.baseUrl}/metrics`);
    expect(off.status).toBe(403);
    expect(await off.json()).toEqual({
      error: '/metrics is off: set METRICS_TOKEN and scrape with that bearer token.',
    });
    const teams = keep(await TeamsHarness.start());
    const local = await fetch(`${teams.baseUrl}/metrics`);
    expect(local.status).toBe(200);
    expect(await local.text()).toContain('aiprocure_process_cpu_seconds_total');
  });
});

describe('shutdown', () => {
  it('Slack: stops intake, finishes the answer being posted, and closes', async () => {
    const h = keep(await SlackHarness.start());
    await h.command('triage Drained triage');
    await h.fake.waitFor(() => h.messages().some((m) => m.threadTs), 5000, 'first question');
    const root = h.rootOf('Drained triage');
    const question = h.currentQuestion(root.ts)!;
    const firstId = h.questionIdOf(question)!;
    const button = buttons(question).find((b) => b.payload.o === firstOption(firstId))!;

    // The next question's post hangs for 1.5 s, and shutdown starts while it does.
    const postStarted = holdFirst(
      h.fake,
      (method, args) => method === 'chat.postMessage' && args.thread_ts === root.ts,
    );
    expect((await h.click(question, button)).status).toBe(200);
    await postStarted;
    const closing = h.service!.close(10_000);

    // Not ready, and new work is refused so Slack retries it elsewhere; the operator can still look.
    expect(await readyz(h.baseUrl)).toMatchObject({ status: 503, body: { checks: { shutdown: 'stopping' } } });
    expect((await h.command('triage Too late')).status).toBe(503);
    expect(await closing).toEqual({ drained: true });

    // The post in hand went out, once, and nothing of the refused command did.
    const nextQuestions = h.fake
      .callsOf('chat.postMessage')
      .filter((c) => c.args.thread_ts === root.ts && c.status === 200);
    expect(nextQuestions).toHaveLength(2);
    expect(h.messages().some((m) => m.text.includes('Too late'))).toBe(false);
    await expect(fetch(`${h.baseUrl}/healthz`)).rejects.toThrow();
  });

  it('Teams: a click being answered finishes before the service closes', async () => {
    const h = keep(await TeamsHarness.start());
    const rootId = '1790000888000';
    await h.say('triage Drained Teams triage', { rootId });
    const thread = `${CHANNEL_ID};messageid=${rootId}`;
    await h.connector.waitFor(() => h.currentQuestion(thread) !== undefined, 5000, 'first question');
    const question = h.currentQuestion(thread)!;
    const firstId = h.questionIdOf(question)!;
    const action = cardActions(messageCard(question)).find((a) => a.data.o === firstOption(firstId))!;
    const before = h.connector.calls.length;

    const postStarted = holdFirst(
      h.connector,
      (method, conversation) => Boolean(conversation?.startsWith(CHANNEL_ID)) && ['reply', 'send'].includes(method),
    );
    const clicked = h.click(question, action);
    await postStarted;
    const closed = await h.service.close(10_000);
    expect(closed).toEqual({ drained: true });
    expect((await clicked).status).toBe(200);
    // The next question was posted before the service let go.
    const posted = h.connector.calls.slice(before).filter((c) => ['reply', 'send'].includes(c.method));
    expect(posted).toHaveLength(1);
    expect(h.questionIdOf(h.currentQuestion(thread)!)).not.toBe(firstId);
  });

  it('says so when the grace runs out with work still running', async () => {
    const h = keep(await SlackHarness.start());
    await h.command('triage Stuck triage');
    await h.fake.waitFor(() => h.messages().some((m) => m.threadTs), 5000, 'first question');
    const root = h.rootOf('Stuck triage');
    const question = h.currentQuestion(root.ts)!;
    const button = buttons(question).find((b) => b.payload.o === firstOption(h.questionIdOf(question)!))!;
    const postStarted = holdFirst(
      h.fake,
      (method, args) => method === 'chat.postMessage' && args.channel === CHANNEL,
      5000,
    );
    await h.click(question, button);
    await postStarted;
    const started = Date.now();
    expect(await h.service!.close(300)).toEqual({ drained: false });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(h.logs.join('')).toContain('shutdown grace ran out with work still running');
  });
});
