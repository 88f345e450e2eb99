/**
 * The bot joining a conversation in Teams: when it is added (installed in a personal chat, or to a team) it says what
 * it does and how to ask it, spelled for where it is; someone else joining gets no message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { messageCard, TeamsHarness } from '../helpers/teams-harness.js';
import { cardText, validateCard } from '../support/adaptive-cards.js';
import { ALICE, BOB, conversationUpdateBotAdded, postActivity, TEAM_ID } from '../support/teams-activities.js';

/** A card's visible text with runs joined, as a reader sees it. */
const text = (card: unknown) => cardText(card).replace(/\s*\n\s*/g, ' ');

let harness: TeamsHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('Teams: the bot joins a conversation', () => {
  it('welcomes with its commands when added to a personal chat or a team, and stays quiet when others join', async () => {
    harness = await TeamsHarness.start();
    const h = harness;

    // Bob joins the team: not the bot, so nothing is said.
    const joined = await postActivity(h.baseUrl, {
      ...conversationUpdateBotAdded({ serviceUrl: h.connector.url, conversationType: 'channel' }),
      membersAdded: [{ id: BOB.id, aadObjectId: BOB.aadObjectId }],
    });
    expect(joined.status).toBe(200);
    await h.settle();
    expect(h.connector.calls).toHaveLength(0);

    // Installed in Alice's personal chat: commands are typed as they are, without a mention.
    expect((await h.botAdded({ conversationType: 'personal', user: ALICE })).status).toBe(200);
    await h.connector.waitFor((calls) => calls.length > 0, 5000, 'the welcome in the personal chat');
    await h.settle();
    const chat = `a:1personal-${ALICE.id.replace(/\W+/g, '-')}`;
    const [personal] = h.connector.thread(chat);
    expect(personal, 'welcome in the personal chat').toBeDefined();
    const personalText = text(messageCard(personal!));
    expect(personalText).toContain('AI procurement assistant');
    expect(personalText).toContain('Triage a proposed AI purchase in about five minutes');
    expect(personalText).toContain('triage <title>');
    expect(personalText).not.toContain('@AI Procure');

    // Added to a team: the welcome goes to its General channel (whose id is the team's), commands by mention.
    expect((await h.botAdded({ conversationType: 'channel' })).status).toBe(200);
    await h.connector.waitFor(
      () => h.connector.state().some((m) => m.conversationId.split(';messageid=')[0] === TEAM_ID),
      5000,
      'the welcome in the team',
    );
    await h.settle();
    const inTeam = h.connector.state().filter((m) => m.conversationId.split(';messageid=')[0] === TEAM_ID);
    expect(inTeam).toHaveLength(1);
    const teamText = text(messageCard(inTeam[0]!));
    expect(teamText).toContain('@AI Procure triage <title>');
    expect(teamText).toContain('@AI Procure config channel in a channel: send summaries and reminders to this channel');

    expect(h.connector.state()).toHaveLength(2);
    for (const message of h.connector.state()) expect(validateCard(messageCard(message))).toEqual([]);
    expect(h.connector.violations).toEqual([]);
  });
});
