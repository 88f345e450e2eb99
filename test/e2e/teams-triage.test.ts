import { afterEach, describe, expect, it } from 'vitest';
import { cardActions, messageCard, TeamsHarness } from '../helpers/teams-harness.js';
import { CONFORMANCE_MISSING_MESSAGE, cardText, loadCardValidator, validateCard } from '../support/adaptive-cards.js';
import { BOB, CHANNEL_ID, type PostResult } from '../support/teams-activities.js';
import { rawAnswers } from '../unit/triage-helpers.js';

const PROCUREMENT_CHANNEL = '19:procurement-team@thread.tacv2';
const answers = rawAnswers('benefits-scoring');

/** A card's visible text with runs joined, as a reader sees it. */
const text = (card: unknown) => cardText(card).replace(/\s*\n\s*/g, ' ');

let harness: TeamsHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('Teams: a whole triage', () => {
  it('runs in a channel thread on Adaptive Cards and posts the summary to the procurement channel', async () => {
    if (!loadCardValidator()) console.warn(CONFORMANCE_MISSING_MESSAGE);
    harness = await TeamsHarness.start();
    const config = await harness.say('config channel', { channelId: PROCUREMENT_CHANNEL });
    expect(config.status).toBe(200);
    await harness.connector.waitFor((calls) =>
      calls.some((c) => JSON.stringify(c.body).includes('will now be posted')),
    );

    const rootId = '1790000999000';
    const started = await harness.say('triage Housing benefit claim risk scoring', { rootId });
    expect(started.status).toBe(200);
    expect(started.ms).toBeLessThan(2000);
    const thread = `${CHANNEL_ID};messageid=${rootId}`;
    await harness.connector.waitFor(() => harness!.currentQuestion(thread) !== undefined, 5000, 'first question card');

    const invokes: PostResult[] = [];
    const asked: string[] = [];
    for (let i = 0; i < 20; i++) {
      const question = harness.currentQuestion(thread);
      if (!question) break;
      const id = harness.questionIdOf(question)!;
      asked.push(id);
      const result = await harness.answer(thread, answers[id]!, i % 2 ? BOB : undefined);
      expect(result.status).toBe(200);
      invokes.push(result);
      // The clicker's card is refreshed in the invoke answer to show the answer and who gave it.
      const body = result.body as { type?: string; value?: unknown };
      expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
      expect(text(body.value)).toContain(i % 2 ? 'Bob Smith' : 'Alice Jones');
    }
    expect(asked).toEqual(Object.keys(answers));

    const messages = harness.connector.thread(thread);
    // Everyone sees each answered card refreshed in place (a PUT), not only the clicker.
    const answered = messages.filter((m) => text(messageCard(m)).includes('answered by'));
    expect(answered).toHaveLength(asked.length);
    const summary = messages.find((m) => text(messageCard(m)).includes('Triage result: High'));
    expect(summary, 'summary card in the thread').toBeDefined();
    expect(text(messageCard(summary!))).toContain('score 34 of 58');
    const root = messages[0]!;
    expect(text(messageCard(root))).toContain('Result: High');

    const posted = harness.connector
      .state()
      .filter((m) => m.conversationId.startsWith(PROCUREMENT_CHANNEL))
      .filter((m) => text(messageCard(m)).includes('Housing benefit'));
    expect(posted).toHaveLength(1);
    // One new post for the welcome when the channel was configured, one for the summary.
    expect(harness.connector.callsOf('create')).toHaveLength(2);
    expect(text(messageCard(posted[0]!))).toContain('Open the triage thread');

    // Every card the bot sent, updated or answered with is a valid Adaptive Card 1.5 with explicit verbs.
    const cards = harness.allCards(invokes);
    expect(cards.length).toBeGreaterThan(30);
    for (const card of cards) expect(validateCard(card)).toEqual([]);
    expect(harness.connector.violations).toEqual([]);

    // Export posts the Markdown report in the thread.
    const exportAction = cardActions(messageCard(summary!)).find((a) => a.verb === 'triage_export')!;
    await harness.click(summary!, exportAction);
    await harness.connector.waitFor(() =>
      harness!.connector.thread(thread).some((m) => String(m.activity.text ?? '').includes('Triage report')),
    );
  });
});
