/**
 * The authenticated Teams path end to end, offline: the real teams-ai/botbuilder app with an app id and secret,
 * a local OpenID issuer on 127.0.0.1 in place of the Bot Framework's and Entra's token services, and a fake Bot
 * Connector that takes only calls carrying the issuer's token for this bot.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Downloads } from '../../src/http/downloads.js';
import { KeyvConversationReferenceRepository } from '../../src/store/conversation-reference-repository.js';
import { KeyvDialogueRepository } from '../../src/store/dialogue-repository.js';
import { cardActions, messageCard, TeamsHarness } from '../helpers/teams-harness.js';
import { cardText } from '../support/adaptive-cards.js';
import { type FakeConnector, startFakeConnector } from '../support/fake-connector.js';
import { CONNECTOR_AUDIENCE, type LocalIssuer, startLocalIssuer } from '../support/local-issuer.js';
import {
  ALICE,
  actionExecute,
  BOB,
  CHANNEL_ID,
  channelMessage,
  type InboundActivity,
  type PostResult,
  postActivity,
  TENANT_ID,
} from '../support/teams-activities.js';
import { waitUntil } from '../support/wait.js';
import { makeContract } from '../unit/contracts/helpers.js';
import { rawAnswers } from '../unit/triage-helpers.js';

const APP_ID = '0b8d2c6e-4a1f-4e3b-9c7d-5e6f7a8b9c0d';
const OTHER_APP_ID = '7c1e9f30-2b4d-4a6e-8f01-23456789abcd';
const TENANT_A = TENANT_ID;
const TENANT_B = '2e4f6a8c-1b3d-4e5f-8a7b-9c0d1e2f3a4b';
const CHANNEL_B = '19:channel-b-buying@thread.tacv2';
const PROCUREMENT_CHANNEL = '19:procurement-team@thread.tacv2';
const answers = rawAnswers('benefits-scoring');

let issuer: LocalIssuer | undefined;
let harness: TeamsHarness | undefined;
let other: FakeConnector | undefined;
afterEach(async () => {
  await harness?.close();
  await other?.close();
  await issuer?.close();
  harness = undefined;
  other = undefined;
  issuer = undefined;
});

async function start(allowedTenants: string[] = [TENANT_A]): Promise<{ h: TeamsHarness; iss: LocalIssuer }> {
  issuer = await startLocalIssuer();
  harness = await TeamsHarness.start({ auth: { issuer, appId: APP_ID, allowedTenants } });
  return { h: harness, iss: issuer };
}

/** A card's visible text with runs joined, as a reader sees it. */
const text = (card: unknown) => cardText(card).replace(/\s*\n\s*/g, ' ');
/** The note an invoke was answered with (under the clicked card), if it was a note. */
const noteOf = (result: PostResult) => (result.body as { value?: unknown } | undefined)?.value;
const thread = (channel: string, rootId: string) => `${channel};messageid=${rootId}`;
let roots = 0;
const newRootId = () => String(1_790_000_500_000 + ++roots);

/** `triage <title>` in a new channel post, and the first question card it brings. */
async function startTriage(h: TeamsHarness, where: { tenantId?: string; channelId?: string } = {}) {
  const rootId = newRootId();
  const result = await h.say('triage Housing benefit claim risk scoring', { rootId, ...where });
  expect(result.status).toBe(200);
  const conversation = thread(where.channelId ?? CHANNEL_ID, rootId);
  await h.connector.waitFor(() => h.currentQuestion(conversation) !== undefined, 5000, 'first question card');
  return { conversation, question: h.currentQuestion(conversation)! };
}

/** The same activity the tests refuse, delivered properly: it must then be handled as if never seen. */
async function deliverProperly(h: TeamsHarness, activity: InboundActivity) {
  expect((await h.post(activity)).status).toBe(200);
  const conversation = activity.conversation.id;
  await h.connector.waitFor(() => h.currentQuestion(conversation) !== undefined, 5000, 'first question card');
}

describe('Teams with credentials: a triage', () => {
  it('runs with every Bot Connector call under a valid bearer token from the issuer', async () => {
    const { h, iss } = await start();
    const { conversation, question } = await startTriage(h);
    expect(text(messageCard(h.connector.thread(conversation)[0]!))).toContain('Housing benefit claim risk scoring');
    expect(h.connector.violations).toEqual([]);

    // A click (invoke) and the next card, posted proactively.
    const first = h.questionIdOf(question)!;
    const clicked = await h.answer(conversation, answers[first]!, BOB);
    expect(clicked.status).toBe(200);
    expect(h.questionIdOf(h.currentQuestion(conversation)!)).not.toBe(first);

    const calls = h.connector.calls;
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const call of calls) {
      expect(call.status, `${call.method} ${call.path}`).toBeLessThan(300);
      const token = call.authorization?.replace(/^Bearer /, '') ?? '';
      expect(iss.verify(token, { audience: CONNECTOR_AUDIENCE, clientId: APP_ID }), call.path).toBeDefined();
    }
    // The tokens came from the issuer's token endpoint, for the Bot Connector's scope, by the bot's own id.
    expect(iss.tokenRequests.length).toBeGreaterThan(0);
    for (const request of iss.tokenRequests) {
      expect(request).toMatchObject({ clientId: APP_ID, scope: `${CONNECTOR_AUDIENCE}/.default`, status: 200 });
    }
    // The fake connector really checks: a token of the issuer for the bot itself (not the connector) is refused.
    const wrong = await fetch(`${h.connector.url}v3/conversations/${encodeURIComponent(conversation)}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.channelToken(h.connector.url)}` },
      body: JSON.stringify({ type: 'message', text: 'forged' }),
    });
    expect(wrong.status).toBe(401);
    // The secret never reaches the log.
    expect(h.logs.join('')).not.toContain(h.auth!.password);
  });
});

describe('Teams with credentials: botbuilder refuses a bad token with 401, and nothing happens', () => {
  // botbuilder prints every refused token's stack to the console; the status code says it all here.
  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, (h: TeamsHarness, iss: LocalIssuer, activity: InboundActivity) => Record<string, string>][] = [
    ['no Authorization header', () => ({})],
    [
      'a token signed by a foreign key under the issuer’s key id',
      (_h, iss, a) => ({
        authorization: `Bearer ${iss.channelToken({ appId: APP_ID, serviceUrl: a.serviceUrl, sign: { key: iss.foreign.privateKey } })}`,
      }),
    ],
    [
      'a token signed by a foreign key under its own key id',
      (_h, iss, a) => ({
        authorization: `Bearer ${iss.channelToken({
          appId: APP_ID,
          serviceUrl: a.serviceUrl,
          sign: { key: iss.foreign.privateKey, kid: iss.foreign.kid },
        })}`,
      }),
    ],
    [
      'a token for another app id',
      (_h, iss, a) => ({
        authorization: `Bearer ${iss.channelToken({ appId: OTHER_APP_ID, serviceUrl: a.serviceUrl })}`,
      }),
    ],
    [
      'an expired token',
      (h, _iss, a) => ({
        authorization: `Bearer ${h.channelToken(a.serviceUrl, { iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 })}`,
      }),
    ],
    [
      'a token not valid yet',
      (h, _iss, a) => ({
        authorization: `Bearer ${h.channelToken(a.serviceUrl, { nbf: now() + 3600, exp: now() + 7200 })}`,
      }),
    ],
    [
      'a serviceurl claim that is not the activity’s serviceUrl',
      (h) => ({ authorization: `Bearer ${h.channelToken(`http://127.0.0.1:${h.connector.port + 1}/`)}` }),
    ],
    [
      'a token claiming the Emulator’s issuer',
      (h, _iss, a) => ({
        authorization: `Bearer ${h.channelToken(a.serviceUrl, {
          iss: 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/',
          ver: '1.0',
          appid: APP_ID,
        })}`,
      }),
    ],
  ];

  it.each(cases)('%s', async (_name, headers) => {
    const { h, iss } = await start();
    const rootId = newRootId();
    const activity = channelMessage({
      serviceUrl: h.connector.url,
      text: 'triage Housing benefit claim risk scoring',
      id: rootId,
      rootId,
    });
    const refused = await postActivity(h.baseUrl, activity, headers(h, iss, activity));
    expect(refused.status).toBe(401);

    // Nothing was done: no call to the Bot Connector, no token asked for, no conversation reference kept.
    expect(h.connector.calls).toHaveLength(0);
    expect(iss.tokenRequests).toHaveLength(0);
    const references = new KeyvConversationReferenceRepository(h.service.records);
    expect(await references.get(`teams_${TENANT_A}`, activity.conversation.id)).toBeUndefined();
    // Nor was its id claimed: the same activity, properly signed, is handled as a first delivery.
    await deliverProperly(h, activity);
    expect(await references.get(`teams_${TENANT_A}`, activity.conversation.id)).toBeDefined();
  });
});

describe('Teams with credentials: the gate refuses with 403 before botbuilder looks at the token', () => {
  const cases: [string, (activity: InboundActivity) => InboundActivity][] = [
    [
      'a tenant not in ALLOWED_TENANTS',
      (a) => ({
        ...a,
        conversation: { ...a.conversation, tenantId: TENANT_B },
        channelData: { ...a.channelData, tenant: { id: TENANT_B } },
      }),
    ],
    ['channelId webchat', (a) => ({ ...a, channelId: 'webchat' }) as unknown as InboundActivity],
    ['channelId directline', (a) => ({ ...a, channelId: 'directline' }) as unknown as InboundActivity],
    [
      'channelData.tenant.id disagreeing with conversation.tenantId',
      (a) => ({ ...a, channelData: { ...a.channelData, tenant: { id: TENANT_B } } }),
    ],
    ['a serviceUrl off the connector hosts', (a) => ({ ...a, serviceUrl: 'http://evil.example/' })],
  ];

  it.each(cases)('%s', async (_name, change) => {
    const { h, iss } = await start();
    const rootId = newRootId();
    const valid = channelMessage({
      serviceUrl: h.connector.url,
      text: 'triage Housing benefit claim risk scoring',
      id: rootId,
      rootId,
    });
    const activity = change(valid);
    // A valid token for exactly this activity: its serviceurl claim names the activity's serviceUrl, evil or not.
    const refused = await h.post(activity);
    expect(refused.status).toBe(403);

    expect(h.connector.calls).toHaveLength(0);
    // botbuilder never ran: it would have fetched the issuer's OpenID metadata to check the token.
    expect(iss.requests).toHaveLength(0);
    const references = new KeyvConversationReferenceRepository(h.service.records);
    for (const tenant of [TENANT_A, TENANT_B]) {
      expect(await references.get(`teams_${tenant}`, activity.conversation.id)).toBeUndefined();
    }
    // The same activity as Teams sends it gets through.
    await deliverProperly(h, valid);
  });
});

describe('Teams with credentials: two tenants on one deployment', () => {
  it('keep their triages, contracts and downloads apart', async () => {
    const { h } = await start([TENANT_A, TENANT_B]);
    const a = await startTriage(h, { tenantId: TENANT_A });
    const b = await startTriage(h, { tenantId: TENANT_B, channelId: CHANNEL_B });
    const aAnswer = cardActions(messageCard(a.question)).find((x) => x.verb === 'triage_answer')!;
    const dialogueId = String(aAnswer.data.d);
    expect(aAnswer.data).toMatchObject({ d: dialogueId, s: 0 });
    const dialogues = new KeyvDialogueRepository(h.service.records);
    const before = await dialogues.get(`teams_${TENANT_A}`, dialogueId);
    expect(before?.status).toBe('open');
    expect(await dialogues.get(`teams_${TENANT_B}`, dialogueId)).toBeUndefined();

    /** A click from tenant B, on B's card, carrying `data`. */
    const clickFromB = (verb: string, data: Record<string, unknown>) =>
      h.post(
        actionExecute({
          serviceUrl: h.connector.url,
          tenantId: TENANT_B,
          user: ALICE,
          verb,
          data,
          replyToId: b.question.activityId,
          conversationType: 'channel',
          conversationId: b.conversation,
          channelId: CHANNEL_B,
        }),
      );

    // B's click naming A's dialogue finds nothing in B's tenant; A's dialogue and cards are untouched.
    const callsBefore = h.connector.calls.length;
    const crossed = await clickFromB(aAnswer.verb, aAnswer.data);
    expect(crossed.status).toBe(200);
    expect(noteOf(crossed)).toBe('That triage no longer exists.');
    expect(await dialogues.get(`teams_${TENANT_A}`, dialogueId)).toEqual(before);
    await h.settle();
    expect(h.connector.calls.slice(callsBefore).filter((c) => c.conversationId?.startsWith(CHANNEL_ID))).toEqual([]);
    expect(h.connector.thread(a.conversation).every((m) => m.updates === 0)).toBe(true);

    // A contract of A is no contract at all from B.
    const contract = makeContract({ tenant: `teams_${TENANT_A}`, platform: 'teams', channel: CHANNEL_ID });
    await h.service.contractRepository.save(contract);
    const open = await clickFromB('contract_open', { c: contract.id });
    expect(open.status).toBe(200);
    expect(noteOf(open)).toBe(`There is no contract ${contract.id}.`);
    expect(await h.service.contractRepository.get(`teams_${TENANT_A}`, contract.id)).toEqual(contract);
    // …while A opens it (the control: the id is right).
    const fromA = await h.post(
      actionExecute({
        serviceUrl: h.connector.url,
        tenantId: TENANT_A,
        verb: 'contract_open',
        data: { c: contract.id },
        replyToId: a.question.activityId,
        conversationType: 'channel',
        conversationId: a.conversation,
      }),
    );
    expect(noteOf(fromA)).toBe('Posted below.');

    // A download link works under its own tenant only.
    const downloads = new Downloads(h.service.records, () => h.baseUrl);
    const urlA = await downloads.offer(`teams_${TENANT_A}`, { filename: 'a.json', content: '{"tenant":"A"}' });
    const urlB = await downloads.offer(`teams_${TENANT_B}`, { filename: 'b.json', content: '{"tenant":"B"}' });
    const tokenOf = (url: string) => url.split('/').at(-1)!;
    expect(await (await fetch(urlA)).text()).toBe('{"tenant":"A"}');
    expect(await (await fetch(urlB)).text()).toBe('{"tenant":"B"}');
    expect((await fetch(`${h.baseUrl}/downloads/teams_${TENANT_A}/${tokenOf(urlB)}`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/downloads/teams_${TENANT_B}/${tokenOf(urlA)}`)).status).toBe(404);
  });
});

describe('Teams with credentials: a poisoned conversation reference', () => {
  it('never gets the bot’s token: the post fails, the user is told, the log says why', async () => {
    const { h } = await start();
    // Another server on this machine, named by a host the deployment does not list (it lists 127.0.0.1 only).
    other = await startFakeConnector();
    const poisonedUrl = `http://localhost:${other.port}/`;
    // The control: the poisoned URL really reaches it, so "no request" below means the bot never tried.
    expect(
      (await fetch(`${poisonedUrl}v3/conversations/probe/activities`, { method: 'POST', body: '{}' })).status,
    ).toBe(201);
    await other.waitForCalls('send', 1);
    other.reset();

    expect((await h.say('config channel', { channelId: PROCUREMENT_CHANNEL })).status).toBe(200);
    await h.connector.waitFor((calls) => calls.some((c) => JSON.stringify(c.body).includes('will now be posted')));
    const references = new KeyvConversationReferenceRepository(h.service.records);
    const tenant = `teams_${TENANT_A}`;
    const stored = await references.get(tenant, PROCUREMENT_CHANNEL);
    expect(stored?.serviceUrl).toBe(h.connector.url);
    await references.save(tenant, { ...stored!, serviceUrl: poisonedUrl });
    const inProcurement = () => h.connector.state().filter((m) => m.conversationId.startsWith(PROCUREMENT_CHANNEL));
    const postedBefore = inProcurement().length;

    const { conversation, question } = await startTriage(h);
    const dialogueId = String(cardActions(messageCard(question)).find((x) => x.data.d)?.data.d);
    for (let i = 0; i < 20 && h.currentQuestion(conversation); i++) {
      const id = h.questionIdOf(h.currentQuestion(conversation)!)!;
      expect((await h.answer(conversation, answers[id]!)).status).toBe(200);
    }
    const notice = 'I could not post the summary to the procurement channel';
    const toldInThread = () => h.connector.thread(conversation).some((m) => text(messageCard(m)).includes(notice));
    // Whichever comes first: the notice in the thread, or a call to the other server.
    await waitUntil(
      () => toldInThread() || other!.calls.length > 0,
      5000,
      'the failure notice (or a call to the other server)',
    );
    // The other server heard nothing, so it never saw the bot's token.
    expect(other.calls).toHaveLength(0);
    const told = h.connector.thread(conversation).find((m) => text(messageCard(m)).includes(notice))!;
    // The person reads why, without the address (the operator's, in the log).
    expect(text(messageCard(told))).toContain('is not a Microsoft Teams service, so nothing was sent there');
    expect(text(messageCard(told))).not.toContain(poisonedUrl);
    await waitUntil(() => h.logs.some((l) => l.includes('not a Bot Connector host')), 2000, 'the log line');
    const line = JSON.parse(h.logs.find((l) => l.includes('not a Bot Connector host'))!) as Record<string, unknown>;
    expect(line).toMatchObject({ serviceUrl: poisonedUrl, tenant, conversation: PROCUREMENT_CHANNEL });

    // Nor did the summary go to the real channel instead.
    expect(inProcurement()).toHaveLength(postedBefore);
    // The dialogue is complete, with the failure recorded.
    const dialogue = await new KeyvDialogueRepository(h.service.records).get(tenant, dialogueId);
    expect(dialogue?.summary?.procurementError).toContain('is not a Microsoft Teams service');
  });
});
