import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Application, TeamsAdapter } from '@microsoft/teams-ai';
import { type Activity, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFORMANCE_MISSING_MESSAGE,
  cardsIn,
  cardText,
  findMentions,
  loadCardValidator,
  validateCard,
} from '../support/adaptive-cards.js';
import { type FakeConnector, startFakeConnector } from '../support/fake-connector.js';
import {
  ALICE,
  actionExecute,
  BOT,
  CHANNEL_ID,
  channelMessage,
  personalMessage,
  postActivity,
  TENANT_ID,
} from '../support/teams-activities.js';

type Card = Record<string, unknown> & { body: Record<string, unknown>[] };

const goodCard = (): Card => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    { type: 'TextBlock', text: 'Question 2 of 7', weight: 'Bolder', size: 'Medium', wrap: true },
    {
      type: 'RichTextBlock',
      inlines: [
        { type: 'TextRun', text: 'Does the system process ' },
        { type: 'TextRun', text: 'personal data', weight: 'Bolder' },
        '?',
      ],
    },
    {
      type: 'FactSet',
      facts: [
        { title: 'Case', value: 'AI-42' },
        { title: 'Step', value: '2/7' },
      ],
    },
    {
      type: 'Input.ChoiceSet',
      id: 'q2',
      label: 'Pick all that apply',
      isMultiSelect: true,
      style: 'expanded',
      choices: [
        { title: 'Health data', value: 'health' },
        { title: 'Biometrics', value: 'bio' },
      ],
    },
    { type: 'Input.Text', id: 'note', label: 'Note', placeholder: 'Anything else?', isMultiline: true, maxLength: 500 },
    {
      type: 'ActionSet',
      actions: [
        { type: 'Action.Execute', title: 'Confirm', verb: 'triage.answer', data: { d: 'dlg-1', s: 2, q: 'q2' } },
      ],
    },
  ],
});

/** goodCard with body element `i` changed by `patch`. */
const withElement = (i: number, patch: Record<string, unknown>): Card => {
  const card = goodCard();
  card.body[i] = { ...card.body[i], ...patch };
  return card;
};
const withAction = (patch: Record<string, unknown>): Card => ({
  ...goodCard(),
  actions: [{ type: 'Action.Execute', title: 'Skip', verb: 'triage.skip', ...patch }],
});

describe('validateCard', () => {
  const validator = loadCardValidator();
  // The official schema lives outside the repo; without it, only the library and our own rules are asserted.
  if (!validator) console.warn(CONFORMANCE_MISSING_MESSAGE);
  const expectSchema = (errors: string[], expected: string) => {
    if (validator) expect(errors).toContain(expected);
  };

  it('accepts a good 1.5 card, with Teams full width', () => {
    expect(validateCard(goodCard())).toEqual([]);
  });

  it('rejects a type typo', () => {
    const errors = validateCard(withElement(0, { type: 'TextBlok' }));
    expect(errors).toContain('adaptivecards: Unknown element type "TextBlok". Fallback will be used if present.');
    expectSchema(errors, '/body/0: unknown type "TextBlok"');
  });

  it('rejects a bad enum value', () => {
    const errors = validateCard(withElement(0, { size: 'huge' }));
    expect(errors).toContain('adaptivecards: Invalid value "huge" for property "size".');
    expectSchema(errors, '/body/0/size: must be equal to one of "default", "small", "medium", "large", "extraLarge"');
  });

  it('rejects an unknown property (schema only: the library ignores it)', () => {
    const errors = validateCard(withElement(2, { colour: 'red' }));
    if (validator) expect(errors).toEqual(['/body/2: must NOT have additional properties (colour)']);
    else expect(errors).toEqual([]);
  });

  it('rejects Action.Execute without a verb, wherever it is', () => {
    expect(validateCard(withAction({ verb: undefined }))).toEqual([
      '/actions/0: Action.Execute needs a non-empty verb',
    ]);
    const select = { ...goodCard(), selectAction: { type: 'Action.Execute', verb: ' ' } };
    expect(validateCard(select)).toEqual(['/selectAction: Action.Execute needs a non-empty verb']);
  });

  it('keeps cards at 1.5: version 1.6 and the 1.6-only `role`', () => {
    expect(validateCard({ ...goodCard(), version: '1.6' })).toEqual(['/version: must be "1.5" (got "1.6")']);
    const errors = validateCard(withAction({ role: 'Button' }));
    expect(errors).toContain(
      'adaptivecards: Property "role" is supported in version 1.6, but you are using version 1.5.',
    );
    expectSchema(errors, '/actions/0: must NOT have additional properties (role)');
  });

  it('rejects duplicate and missing input ids', () => {
    const dup = validateCard(withElement(4, { id: 'q2' }));
    expect(dup).toContain('/body/4: duplicate id "q2" (first at /body/3)');
    expect(dup).toContain('adaptivecards: Duplicate Id "q2".');
    expect(validateCard(withElement(4, { id: undefined }))).toContain('/body/4: Input.Text needs an id');
  });

  it('allows only full width and mentions the card shows as Teams extensions', () => {
    const mention = { type: 'mention', text: '<at>Bob</at>', mentioned: { id: '29:bob', name: 'Bob' } };
    expect(validateCard({ ...goodCard(), msteams: { entities: [mention] } })).toEqual([
      '/msteams/entities/0: <at>Bob</at> appears in no TextBlock',
    ]);
    const shown = goodCard();
    (shown.body as unknown[]).push({ type: 'TextBlock', text: '<at>Bob</at>' });
    expect(validateCard({ ...shown, msteams: { entities: [mention] } })).toEqual([]);
    expect(validateCard({ ...goodCard(), msteams: { width: 'Full', theme: 'dark' } })).toEqual([
      '/msteams: unknown key "theme"',
    ]);
  });
});

describe('card helpers', () => {
  it('cardsIn reads activities and invoke-response bodies', () => {
    const card = goodCard();
    const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
    expect(cardsIn(activity)).toEqual([card]);
    const invokeBody = { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
    expect(cardsIn(invokeBody)).toEqual([card]);
    expect(cardsIn({ type: 'message', text: 'hi' })).toEqual([]);
  });

  it('cardText collects what a reader sees', () => {
    expect(cardText(goodCard()).split('\n')).toEqual([
      'Question 2 of 7',
      'Does the system process ',
      'personal data',
      '?',
      'Case: AI-42',
      'Step: 2/7',
      'Pick all that apply',
      'Health data',
      'Biometrics',
      'Note',
      'Anything else?',
      'Confirm',
    ]);
  });

  it('findMentions finds <at> tags and mention entities anywhere', () => {
    expect(findMentions(MessageFactory.attachment(CardFactory.adaptiveCard(goodCard())))).toEqual([]);
    const card = withElement(0, { text: 'Owner: <at>Bob</at>' });
    const entity = { type: 'mention', text: '<at>Carol</at>', mentioned: { id: '29:carol', name: 'Carol' } };
    expect(findMentions({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), entities: [entity] })).toEqual([
      '<at>Bob</at>',
      'mention entity: <at>Carol</at>',
    ]);
    expect(findMentions({ text: '&lt;at&gt;Bob&lt;/at&gt;' })).toEqual([]);
  });
});

interface CreatedConversation {
  id?: string;
  activityId?: string;
}
/** The slice of botframework-connector's ConnectorClient used here (it is not a direct dependency). */
interface ConnectorLike {
  conversations: {
    createConversation(params: {
      isGroup: boolean;
      bot: { id: string; name: string };
      tenantId?: string;
      channelData: unknown;
      activity: Partial<Activity>;
    }): Promise<CreatedConversation>;
  };
}

describe('fake connector with botbuilder', () => {
  let fake: FakeConnector;
  const adapter = new TeamsAdapter({}); // no app id: local mode, no token fetched, no Authorization sent
  const ref = () => ({
    serviceUrl: fake.url,
    channelId: 'msteams',
    conversation: { id: CHANNEL_ID, isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, name: '' },
  });
  const run = (conversationId: string, logic: (ctx: TurnContext) => Promise<void>) =>
    adapter.continueConversationAsync(
      '',
      { ...ref(), conversation: { ...ref().conversation, id: conversationId } },
      logic,
    );
  const cardActivity = (card: unknown) => MessageFactory.attachment(CardFactory.adaptiveCard(card));

  beforeAll(async () => {
    fake = await startFakeConnector();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('records a send and an update, and state() shows the updated card', async () => {
    fake.reset();
    const answered = { ...goodCard(), body: [{ type: 'TextBlock', text: 'Answered by Alice' }] };
    let sentId = '';
    await run(CHANNEL_ID, async (ctx) => {
      sentId = (await ctx.sendActivity(cardActivity(goodCard())))?.id ?? '';
      await ctx.updateActivity({ ...cardActivity(answered), id: sentId });
    });
    expect(sentId).toMatch(/^17900000000\d\d$/);
    const [reply, update] = fake.calls;
    expect(reply).toMatchObject({ method: 'reply', http: 'POST', conversationId: CHANNEL_ID, activityId: sentId });
    expect(reply?.path).toContain('19%3Achannel-ai-buying%40thread.tacv2');
    expect(reply?.authorization).toBeUndefined();
    expect(cardsIn(reply?.body)).toEqual([goodCard()]);
    expect(update).toMatchObject({ method: 'update', http: 'PUT', conversationId: CHANNEL_ID, activityId: sentId });
    expect(fake.state()).toMatchObject([
      { conversationId: CHANNEL_ID, activityId: sentId, cards: [answered], updates: 1 },
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('createConversation starts a channel thread; replies land in it', async () => {
    fake.reset();
    let root: CreatedConversation = {};
    await run(CHANNEL_ID, async (ctx) => {
      const client = ctx.turnState.get<ConnectorLike>(adapter.ConnectorClientKey);
      root = await client.conversations.createConversation({
        isGroup: true,
        bot: BOT,
        tenantId: TENANT_ID,
        channelData: { channel: { id: CHANNEL_ID } },
        activity: cardActivity(goodCard()),
      });
    });
    expect(root.id).toBe(`${CHANNEL_ID};messageid=${root.activityId}`);
    await run(root.id ?? '', async (ctx) => {
      await ctx.sendActivity('Question 1 of 7');
    });
    const thread = fake.thread(root.id ?? '');
    expect(thread.map((m) => m.activityId)).toEqual([root.activityId, expect.any(String)]);
    expect(thread[1]?.activity).toMatchObject({ text: 'Question 1 of 7' });
    expect(fake.callsOf('create')[0]).toMatchObject({ conversationId: root.id, activityId: root.activityId });
  });

  it('answers 400 to an invalid card and records the violation', async () => {
    fake.reset();
    let failure: unknown;
    await run(CHANNEL_ID, async (ctx) => {
      await ctx.sendActivity(cardActivity(withElement(0, { type: 'TextBlok' }))).catch((err: unknown) => {
        failure = err;
      });
    });
    expect(failure).toMatchObject({ statusCode: 400 });
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]?.errors.join('\n')).toContain('TextBlok');
    expect(fake.state()).toEqual([]);
  });

  it('injects failures and answers members; unknown paths are 404', async () => {
    fake.reset();
    fake.failNext('reply', 1, 429, { retryAfterSeconds: 0 });
    await run(CHANNEL_ID, async (ctx) => {
      await ctx.sendActivity('after a throttle'); // the connector client retries a 429
    });
    expect(fake.callsOf('reply').map((c) => c.status)).toEqual([429, 201]);
    const members = await fetch(`${fake.url}v3/conversations/${encodeURIComponent(CHANNEL_ID)}/members`);
    expect(await members.json()).toMatchObject([{ id: '29:user-alice' }, { id: '29:user-bob' }]);
    expect((await fetch(`${fake.url}v3/teams/x`)).status).toBe(404);
    await expect(fake.waitFor(() => false, 20, 'never')).rejects.toThrow(/never not met within 20 ms; calls seen: 4/);
  });
});

describe('inbound activities through teams-ai', () => {
  let fake: FakeConnector;
  let server: Server;
  let baseUrl = '';

  beforeAll(async () => {
    fake = await startFakeConnector();
    const adapter = new TeamsAdapter({});
    const app = new Application({ adapter, botAppId: '', startTypingTimer: false });
    app.message(/^echo\b/i, async (ctx) => {
      await ctx.sendActivity(`echo: ${ctx.activity.text}`);
    });
    app.adaptiveCards.actionExecute('triage.answer', async (_ctx, _state, data) => ({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'TextBlock', text: `answered ${String(data.q2)}` }],
    }));
    const http = express();
    http.post('/api/messages', express.json(), (req, res) =>
      adapter.process(req, res, async (ctx) => {
        await app.run(ctx);
      }),
    );
    server = http.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
  });

  it('a channel mention is answered in its thread, without the mention', async () => {
    const activity = channelMessage({ serviceUrl: fake.url, text: 'echo hello' });
    expect(activity.text).toBe('<at>AI Procure</at> echo hello');
    const res = await postActivity(baseUrl, activity);
    expect(res.status).toBe(200);
    const [reply] = await fake.waitForCalls('reply', 1);
    expect(reply).toMatchObject({ conversationId: `${CHANNEL_ID};messageid=${activity.id}`, replyToId: activity.id });
    expect(reply?.body).toMatchObject({ text: 'echo: echo hello', recipient: { id: ALICE.id } });
    expect(findMentions(reply?.body)).toEqual([]);
  });

  it('a personal message and an Action.Execute click', async () => {
    fake.reset();
    expect((await postActivity(baseUrl, personalMessage({ serviceUrl: fake.url, text: 'echo hi' }))).status).toBe(200);
    await fake.waitForCalls('reply', 1);
    const click = actionExecute({
      serviceUrl: fake.url,
      verb: 'triage.answer',
      replyToId: '1790000000001',
      data: { d: 'dlg-1' },
      inputs: { q2: 'health,bio' },
    });
    const res = await postActivity(baseUrl, click);
    expect(res.status).toBe(200);
    const [card] = cardsIn(res.body);
    expect(cardText(card)).toBe('answered health,bio');
    expect(validateCard(card)).toEqual([]);
  });
});
