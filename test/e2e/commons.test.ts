/**
 * The commons, with two deployments on loopback: a Slack one that publishes (an admin shares lessons after the review
 * step takes names and personal data out), and a Teams one that subscribes through a relay that tampers with one
 * item in transit. The tampered item is refused; the other shows in search, marked with its organisation; pulls are
 * conditional GETs; unsubscribing removes the lessons, and a lesson withdrawn by its publisher goes on the next pull.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cardAction,
  cardInputs,
  cardLines,
  invokeCard,
  modalInitial,
  modalState,
  SlackContracts,
  slackButton,
  slackText,
  TeamsContracts,
} from '../helpers/contracts-driver.js';
import { errorsOf } from '../helpers/teams-forms.js';
import { BOB } from '../support/teams-activities.js';
import { waitUntil } from '../support/wait.js';

const ORG = 'Northshire County Council';
const ACCURACY = {
  happened:
    'The accuracy claims came from another population; Mrs Patel in benefits spotted it. Ask jo.bloggs@northshire.gov.uk or ring 01632 960123.',
  differently: 'Ask for validation results on our own caseload before award',
};
const DRIFT = {
  happened: 'Drift went unnoticed for months in the parking enforcement model',
  differently: 'A monthly drift KPI from the first day of the contract',
};

let a: SlackContracts | undefined;
let b: TeamsContracts | undefined;
let relay: Server | undefined;
afterEach(async () => {
  await a?.close();
  await b?.close();
  await new Promise((resolve) => (relay ? relay.close(resolve) : resolve(undefined)));
  a = b = relay = undefined;
});

async function recordLesson(slack: SlackContracts, lesson: { happened: string; differently: string }) {
  const modal = await slack.commandModal('lesson');
  const since = slack.fake.calls.length;
  const saved = await slack.submit(modal, modalState(modal, { ...lesson, stage: 'live', outcome: 'failed' }));
  expect(saved.body).toBe('');
  const confirmation = await slack.nextEphemeral(since);
  return /Lesson (L-[0-9A-Z]{6}) saved/.exec(confirmation.text)![1]!;
}

/**
 * A relay between the deployments, under a path of its own (so the feed's address is a long one): it passes the
 * conditional headers through, and edits the newest item's text.
 */
const PREFIX = '/partners/northshire-county-council';
async function tamperingRelay(upstream: string) {
  const seen: { path: string; ifNoneMatch?: string; status: number }[] = [];
  const server = createServer(async (req, res) => {
    const headers: Record<string, string> = {};
    for (const name of ['if-none-match', 'if-modified-since']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const path = (req.url ?? '').replace(PREFIX, '');
    const answer = await fetch(`${upstream}${path}`, { headers });
    seen.push({ path, ifNoneMatch: headers['if-none-match'], status: answer.status });
    const out: Record<string, string> = {};
    for (const name of ['etag', 'last-modified', 'content-type']) {
      const value = answer.headers.get(name);
      if (value) out[name] = value;
    }
    let body = await answer.text();
    if (path === '/commons/feed.json' && answer.status === 200) {
      const feed = JSON.parse(body) as { items: { _aiprocure: { happened: string } }[] };
      const first = feed.items[0];
      if (first) first._aiprocure.happened += ' (it was all the supplier’s fault)';
      body = JSON.stringify(feed);
    }
    res.writeHead(answer.status, out).end(answer.status === 304 ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, seen, url: `http://127.0.0.1:${port}${PREFIX}/commons/feed.json` };
}

const teamsText = (card: unknown) => cardLines(card).join('\n');

describe('the commons across organisations', () => {
  it('shares after review, signs the feed, and a subscriber verifies every item and refuses a tampered one', async () => {
    const publisher = await SlackContracts.start(undefined, {
      commons: { org: ORG, pullMinutes: 60, allowHttp: true },
    });
    a = publisher;
    const accuracy = await recordLesson(publisher, ACCURACY);
    const drift = await recordLesson(publisher, DRIFT);

    // A member may not share; an admin gets the review form, the personal data already taken out.
    const refused = await publisher.command(`share ${accuracy}`, 'UCAROL');
    expect(refused.reply.text).toContain('Sharing a lesson outside the organisation');
    const review = await publisher.commandModal(`share ${accuracy}`);
    expect(review.callbackId).toBe('lesson_share_submit');
    expect(JSON.stringify(review.blocks)).toContain('The bot took out 1 email address, 1 phone number, 1 name.');
    const proposed = String(modalInitial(review, 'happened'));
    expect(proposed).toContain('[name removed] in benefits spotted it. Ask [email removed] or ring [phone removed].');
    expect(proposed).not.toContain('Patel');

    // An edit that puts an address back, unconfirmed: both said beside the fields, the text cleaned again.
    const again = await publisher.submit(
      review,
      modalState(review, { happened: `${proposed} Or write to jo@example.org.` }),
    );
    expect((again.json as { errors: Record<string, string> }).errors).toEqual({
      happened: 'Took out 1 email address: read it again, then share.',
      reviewed: 'Confirm you have read it as a stranger would.',
    });
    const since = publisher.fake.calls.length;
    const shared = await publisher.submit(review, modalState(review, { reviewed: 'checked' }));
    expect(shared.body).toBe('');
    expect((await publisher.nextEphemeral(since)).text).toBe(
      `Lesson ${accuracy} is shared: it is in ${ORG}’s commons feed.`,
    );
    publisher.clock.set('2026-04-01T09:00:00Z');
    const second = await publisher.commandModal(`share ${drift}`);
    expect((await publisher.submit(second, modalState(second, { reviewed: 'checked' }))).body).toBe('');

    // The feed: a JSON Feed, newest first, each item signed; no names, and not who shared it.
    const base = publisher.harness.baseUrl;
    const response = await fetch(`${base}/commons/feed.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/feed+json');
    const body = await response.text();
    const feed = JSON.parse(body) as { version: string; items: { id: string; _aiprocure: { signature: string } }[] };
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.items.map((i) => i.id)).toEqual([drift, accuracy]);
    expect(feed.items.every((i) => i._aiprocure.signature.length > 40)).toBe(true);
    for (const secret of ['Patel', 'jo.bloggs', '01632', 'UANA']) expect(body).not.toContain(secret);
    const etag = response.headers.get('etag')!;
    expect((await fetch(`${base}/commons/feed.json`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    const key = (await (await fetch(`${base}/commons/key`)).json()) as { org: string; alg: string; key_id: string };
    expect(key).toMatchObject({ org: ORG, alg: 'Ed25519' });

    // The subscriber, on Teams, reads the feed through a relay that edits the newest item on the way.
    const tamper = await tamperingRelay(base);
    relay = tamper.server;
    const subscriber = await TeamsContracts.start(undefined, { commons: { pullMinutes: 60, allowHttp: true } });
    b = subscriber;
    const [notAdmin] = await sayAs(subscriber, `config commons subscribe ${tamper.url}`, BOB);
    expect(teamsText(notAdmin!.cards[0])).toContain('Changing the bot’s settings');
    const [subscribed] = await subscriber.say(`config commons subscribe ${tamper.url}`);
    const said = teamsText(subscribed!.cards[0]);
    expect(said).toContain(`Subscribed to ${ORG}`);
    expect(said).toContain(`1 lesson · key ${key.key_id}`);
    expect(said).toContain('1 refused (bad signature)');

    // Search shows the verified lesson, marked with its organisation; the tampered one nowhere.
    const [found] = await subscriber.say('lessons validaton caseload');
    expect(teamsText(found!.cards[0])).toContain(`from ${ORG}`);
    expect(teamsText(found!.cards[0])).toContain('[name removed] in benefits');
    const [tampered] = await subscriber.say('lessons parking drift');
    expect(teamsText(tampered!.cards[0])).toBe('No lessons match “parking drift”.');

    // The scheduled pull is a conditional GET: unchanged, the publisher answers 304.
    expect(await subscriber.harness.service.commonsPuller.pullAll()).toBe(1);
    expect(tamper.seen.at(-1)).toMatchObject({ path: '/commons/feed.json', ifNoneMatch: etag, status: 304 });

    // Unsubscribing removes its lessons; subscribing again brings them back.
    const [gone] = await subscriber.say(`config commons unsubscribe ${tamper.url}`);
    expect(teamsText(gone!.cards[0])).toBe(`Unsubscribed from ${ORG}: its 1 lessons no longer show here.`);
    expect(teamsText((await subscriber.say('lessons validation'))[0]!.cards[0])).toContain('No lessons match');
    await subscriber.say(`config commons subscribe ${tamper.url}`);
    expect(teamsText((await subscriber.say('lessons validation'))[0]!.cards[0])).toContain(`from ${ORG}`);

    // The publisher withdraws it: the feed changes, and the next pull drops it.
    expect(slackText((await publisher.command(`unshare ${accuracy}`)).reply)).toContain('withdrawn from the commons');
    expect(await subscriber.harness.service.commonsPuller.pullAll()).toBe(1);
    expect(tamper.seen.at(-1)?.status).toBe(200);
    expect(teamsText((await subscriber.say('lessons validation'))[0]!.cards[0])).toContain('No lessons match');
    // Deleting a lesson (an admin, after asking) takes it out of the feed as well.
    const ask = await publisher.command(`delete lesson ${drift}`);
    expect(slackText(ask.reply)).toContain('if it was shared, it leaves the commons feed');
    await publisher.click(ask.reply, slackButton(ask.reply, 'history_delete_confirm'));
    await waitUntil(
      async () => !(await (await fetch(`${base}/commons/feed.json`)).text()).includes(drift),
      5000,
      'the lesson gone from the feed',
    );
    expect((await publisher.command('lessons parking drift')).reply.text).toBe('No lessons match “parking drift”.');

    const [status] = await subscriber.say('config commons');
    expect(teamsText(status!.cards[0])).toContain('Publishing: off');
    expect(teamsText(status!.cards[0])).toContain(`${ORG} · ${tamper.url} · 0 lessons`);
  });

  it('Teams: an admin shares a lesson on a card after the same review', async () => {
    const teams = await TeamsContracts.start(undefined, { commons: { org: ORG, pullMinutes: 60, allowHttp: true } });
    b = teams;
    const [form] = await teams.say('lesson');
    const saved = await teams.execute(form!, cardAction(form!.cards[0], 'lesson_submit'), {
      ...cardInputs(form!.cards[0]),
      ...ACCURACY,
      stage: 'award',
      outcome: 'near-miss',
    });
    expect(errorsOf(saved)).toEqual([]);
    const id = /Lesson (L-[0-9A-Z]{6}) saved/.exec(JSON.stringify(invokeCard(saved)))![1]!;

    const [review] = await teams.say(`share ${id}`);
    const card = review!.cards[0];
    expect(teamsText(card)).toContain('The bot took out 1 email address, 1 phone number, 1 name.');
    const inputs = cardInputs(card);
    expect(inputs.happened).toContain(
      '[name removed] in benefits spotted it. Ask [email removed] or ring [phone removed].',
    );
    const submit = cardAction(card, 'lesson_share_submit');
    expect(errorsOf(await teams.execute(review!, submit, inputs))).toEqual([
      'Confirm you have read it as a stranger would.',
    ]);
    const shared = await teams.execute(review!, submit, { ...inputs, reviewed: 'checked' });
    expect(errorsOf(shared)).toEqual([]);
    expect(JSON.stringify(invokeCard(shared))).toContain(`Lesson ${id} is shared`);
    const feed = (await (await fetch(`${teams.harness.baseUrl}/commons/feed.json`)).json()) as {
      feed_url: string;
      items: { id: string; content_text: string }[];
    };
    expect(feed.feed_url).toBe(`http://localhost:${new URL(teams.harness.baseUrl).port}/commons/feed.json`);
    expect(feed.items.map((i) => i.id)).toEqual([id]);
    expect(feed.items[0]!.content_text).not.toContain('Patel');
  });

  it('refuses to share where the operator has not named the organisation, and to read a feed it should not', async () => {
    const slack = await SlackContracts.start(undefined, { commons: { pullMinutes: 60, allowHttp: false } });
    a = slack;
    const id = await recordLesson(slack, DRIFT);
    expect((await slack.command(`share ${id}`)).reply.text).toContain('Sharing is off here');
    expect((await fetch(`${slack.harness.baseUrl}/commons/feed.json`)).status).toBe(404);

    // Plain http, credentials in the address, an internal address, and a redirect (which could point anywhere).
    expect(await subscribeIn(slack, 'https://127.0.0.1/commons/feed.json')).toContain(
      '127.0.0.1 is an internal address: feeds are read from the internet only',
    );
    expect(await subscribeIn(slack, 'https://localhost:8443/commons/feed.json')).toContain('is an internal address');
    const subscribe = (url: string) => subscribeIn(slack, url);
    expect(await subscribe('http://127.0.0.1:9/commons/feed.json')).toContain('A feed is read over https:// only.');
    expect(await subscribe('<https://me:secret@feeds.example.org/commons/feed.json>')).toContain(
      'A feed address carries no user name or password.',
    );
    const redirecting = createServer((_req, res) => res.writeHead(302, { Location: 'http://169.254.169.254/' }).end());
    relay = redirecting;
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const port = (redirecting.address() as AddressInfo).port;
    await slack.close();
    const lax = await SlackContracts.start(undefined, { commons: { pullMinutes: 60, allowHttp: true } });
    a = lax;
    const answer = slackText(
      (await lax.command(`config commons subscribe http://127.0.0.1:${port}/commons/feed.json`)).reply,
    );
    expect(answer).toContain(`http://127.0.0.1:${port}/commons/key could not be reached`);
    expect(slackText((await lax.command('config commons')).reply)).toContain('None. Add one with');

    // A deployment that names the tenants publishing as the organisation refuses the others.
    await lax.close();
    const other = await SlackContracts.start(undefined, {
      commons: { org: ORG, pullMinutes: 60, allowHttp: false, tenants: ['slack_TELSEWHERE'] },
    });
    a = other;
    const lesson = await recordLesson(other, DRIFT);
    expect((await other.command(`share ${lesson}`)).reply.text).toContain(
      `This deployment serves several organisations, and this one does not publish as ${ORG}`,
    );
  });
});

async function subscribeIn(slack: SlackContracts, url: string): Promise<string> {
  return slackText((await slack.command(`config commons subscribe ${url}`)).reply);
}

async function sayAs(teams: TeamsContracts, text: string, user: typeof BOB) {
  const before = teams.connector.calls.length;
  const result = await teams.harness.say(text, { user });
  expect(result.status).toBe(200);
  await teams.connector.waitFor((calls) => calls.length > before, 5000, `the answer to "${text}"`);
  const ids = new Set(teams.connector.calls.slice(before).map((c) => c.activityId));
  return teams.connector.state().filter((m) => ids.has(m.activityId));
}
