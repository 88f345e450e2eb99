import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyvConversationReferenceRepository } from '../../src/store/conversation-reference-repository.js';
import { sqliteUrl, testNamespace } from '../helpers/backends.js';
import { cardActions, messageCard, TeamsHarness } from '../helpers/teams-harness.js';
import { cardsIn as cardsOf, cardText, findMentions, validateCard } from '../support/adaptive-cards.js';
import { startFakeConnector } from '../support/fake-connector.js';
import { ALICE, BOB, channelMessage, personalMessage, postActivity } from '../support/teams-activities.js';
import { rawAnswers } from '../unit/triage-helpers.js';

const benefits = rawAnswers('benefits-scoring');
const text = (card: unknown) => cardText(card).replace(/\s*\n\s*/g, ' ');
const invokeText = (body: unknown) => {
  const b = body as { type?: string; value?: unknown };
  return b.type === 'application/vnd.microsoft.card.adaptive' ? text(b.value) : String(b.value);
};

const harnesses: TeamsHarness[] = [];
async function start(options: Parameters<typeof TeamsHarness.start>[0] = {}) {
  const harness = await TeamsHarness.start(options);
  harnesses.push(harness);
  return harness;
}
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

describe('Teams: commands', () => {
  it('answers help and unknown commands with a help card, in personal chat and by mention', async () => {
    const harness = await start();
    await harness.say('help', { type: 'personal' });
    await harness.say('frobnicate');
    await harness.say('triage');
    await harness.settle(150);
    const replies = harness.connector.state().map((m) => text(messageCard(m)));
    expect(replies[0]).toContain('triage <title>');
    expect(replies[0]).not.toContain('@AI Procure');
    expect(replies[1]).toContain('Unknown command “frobnicate”');
    expect(replies[1]).toContain('@AI Procure triage <title>');
    expect(replies[2]).toContain('Give the purchase a title');
  });

  it('runs a triage in a personal chat, with an exclusive option and a multi-select answer on the card', async () => {
    const harness = await start();
    const user = { ...ALICE };
    await postActivity(
      harness.baseUrl,
      personalMessage({ serviceUrl: harness.connector.url, user, text: 'triage Council chatbot' }),
    );
    const chat = `a:1personal-${ALICE.id.replace(/\W+/g, '-')}`;
    await harness.connector.waitFor(() => harness.currentQuestion(chat) !== undefined, 5000, 'first question');
    // "None of these" is a button of its own on the multi-select card.
    await harness.answer(chat, ['none']);
    await harness.answer(chat, 'recommends');
    const domains = harness.currentQuestion(chat)!;
    expect(harness.questionIdOf(domains)).toBe('domains');
    await harness.answer(chat, ['benefits', 'health']);
    const collapsed = harness.connector
      .thread(chat)
      .find((m) => text(messageCard(m)).includes('Benefits or public services, Health or care'));
    expect(collapsed).toBeDefined();
    // The bot moved on to the next question.
    const effect = harness.currentQuestion(chat)!;
    expect(harness.questionIdOf(effect)).toBe('effect');
  });

  it('refuses activities that would make it call a host other than this machine', async () => {
    const harness = await start();
    const forged = channelMessage({ serviceUrl: 'http://evil.example:4444/', text: 'triage Sneaky' });
    const result = await postActivity(harness.baseUrl, forged);
    expect(result.status).toBe(403);
    await harness.settle(150);
    expect(harness.connector.calls).toHaveLength(0);
    expect(harness.logs.join('')).toContain('LOCAL MODE');
  });
});

describe('Teams: nothing doubled, nothing lost', () => {
  it('handles a redelivered click once', async () => {
    const harness = await start();
    const thread = await harness.triageUntil('role');
    const question = harness.currentQuestion(thread)!;
    const recommends = cardActions(messageCard(question)).find((a) => a.data.o === 'recommends')!;
    const id = randomUUID();
    const [first, second] = await Promise.all([
      harness.click(question, recommends, ALICE, undefined, id),
      harness.click(question, recommends, ALICE, undefined, id),
    ]);
    await harness.settle(150);
    const texts = [invokeText(first.body), invokeText(second.body)];
    expect(texts.filter((t) => t.includes('answered by'))).toHaveLength(1);
    expect(texts).toContain('Already received.');
    expect(
      harness.connector.thread(thread).filter((m) => text(messageCard(m)).includes('What role does the AI play')),
    ).toHaveLength(1);
    expect(harness.questionIdOf(harness.currentQuestion(thread)!)).toBe('domains');
  });

  it('starts one triage however often Teams delivers the same message', async () => {
    const harness = await start();
    const activity = channelMessage({ serviceUrl: harness.connector.url, text: 'triage Once', id: '1790000555000' });
    await Promise.all([postActivity(harness.baseUrl, activity), postActivity(harness.baseUrl, activity)]);
    await postActivity(harness.baseUrl, activity);
    await harness.settle(200);
    expect(
      harness.connector.state().filter((m) => text(messageCard(m)).includes('AI procurement triage')),
    ).toHaveLength(1);
  });

  it('takes one answer when two people click at once and tells the other politely on the card', async () => {
    const harness = await start();
    const thread = await harness.triageUntil('role');
    const question = harness.currentQuestion(thread)!;
    const actions = cardActions(messageCard(question));
    const results = await Promise.all([
      harness.click(question, actions.find((a) => a.data.o === 'recommends')!, ALICE),
      harness.click(question, actions.find((a) => a.data.o === 'decides')!, BOB),
    ]);
    await harness.settle(150);
    const notes = results.map((r) => invokeText(r.body));
    expect(notes.filter((t) => t.includes('already answered'))).toHaveLength(1);
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(
      harness.connector.thread(thread).filter((m) => text(messageCard(m)).includes('What role does the AI play')),
    ).toHaveLength(1);
  });

  it('answers a click on an old card with a polite note, not an error', async () => {
    const harness = await start();
    const thread = await harness.triageUntil('role');
    const roleCard = harness.currentQuestion(thread)!;
    const none = cardActions(messageCard(roleCard)).find((a) => a.data.o === 'none')!;
    await harness.answer(thread, 'recommends');
    const late = await harness.click(roleCard, none, BOB);
    expect(late.status).toBe(200);
    expect(invokeText(late.body)).toMatch(/already answered: Scores, flags or recommends cases by Alice Jones/);
    expect(harness.questionIdOf(harness.currentQuestion(thread)!)).toBe('domains');
  });

  it('continues where it was after a restart', async () => {
    const storeUrl = sqliteUrl();
    const namespace = testNamespace();
    const connector = await startFakeConnector();
    const first = await start({ storeUrl, namespace, connector });
    const thread = await first.triageUntil('effect');
    await first.service.close();
    harnesses.splice(harnesses.indexOf(first), 1);
    const second = await start({ storeUrl, namespace, connector });
    for (let i = 0; i < 20; i++) {
      const question = second.currentQuestion(thread);
      if (!question) break;
      await second.answer(thread, benefits[second.questionIdOf(question)!]!);
    }
    expect(connector.thread(thread).some((m) => text(messageCard(m)).includes('Triage result: High'))).toBe(true);
  });
});

describe('Teams: safety and references', () => {
  it('never turns user text into a mention or markup', async () => {
    const harness = await start();
    const thread = await harness.triageUntil(
      'contract_value',
      'Chatbot <at>Everyone</at> **bold** [x](https://evil.example)',
    );
    await harness.answer(thread, '<at>Alice</at> £6m');
    const cards = harness.allCards();
    expect(findMentions(cards)).toEqual([]);
    for (const card of cards) expect(validateCard(card)).toEqual([]);
    const root = harness.connector.thread(thread)[0]!;
    expect(text(messageCard(root))).toContain('**bold** [x](https://evil.example)');
  });

  it('posts the summary through the freshest reference of the procurement channel', async () => {
    const harness = await start();
    const moved = await startFakeConnector();
    try {
      await harness.say('config channel', { channelId: '19:proc@thread.tacv2' });
      await harness.settle();
      // Teams moved the tenant to another service URL: a later message from that channel refreshes the reference.
      await postActivity(
        harness.baseUrl,
        channelMessage({ serviceUrl: moved.url, text: 'help', channelId: '19:proc@thread.tacv2', id: '17900001' }),
      );
      await moved.waitForCalls('reply', 1);
      await harness.triageUntil('__end__');
      await moved.waitForCalls('create', 1);
      // The only post on the old service URL is the welcome sent when the channel was configured.
      expect(harness.connector.callsOf('create')).toHaveLength(1);
      expect(JSON.stringify(harness.connector.callsOf('create')[0]!.body)).toContain('will now receive');
    } finally {
      await moved.close();
    }
  });

  it('never keeps a time zone or locale Intl rejects, so later cards and digests still render', async () => {
    const harness = await start();
    const channelId = '19:odd-client@thread.tacv2';
    const activity = channelMessage({ serviceUrl: harness.connector.url, text: 'kpi', channelId, id: '17900002' });
    const result = await postActivity(harness.baseUrl, {
      ...activity,
      localTimezone: 'Mars/Olympus_Mons',
      locale: 'xx-not a locale!!',
    });
    expect(result.status).toBe(200);
    // The answer is a card with its dates in UTC rather than an error.
    const [reply] = await harness.connector.waitForCalls('reply', 1);
    expect(validateCard(cardsOf(reply!.body)[0])).toEqual([]);
    const stored = await new KeyvConversationReferenceRepository(harness.service.records).get(
      `teams_${activity.conversation.tenantId}`,
      channelId,
    );
    expect(stored).toBeDefined();
    expect(stored!.timezone).toBeUndefined();
    expect(stored!.locale).toBeUndefined();
    expect(harness.logs.join('')).toContain('ignored a time zone Intl rejects');
  });
});
