/**
 * Reminders that can never be delivered as things stand (an archived Slack channel; a Teams team the bot was removed
 * from) must not stop silently: retries stop, the reminder stays owed, the tenant's admins are told once, privately,
 * what to fix, and `status` lists the channel. A failure that may pass is retried as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  cardAction,
  cardInputs,
  cardLines,
  EARLY,
  londonNine,
  PROCUREMENT_CHANNEL,
  SlackContracts,
  TeamsContracts,
} from '../helpers/contracts-driver.js';
import { PROCUREMENT, textOf } from '../helpers/slack-harness.js';
import type { FakeSlackCall } from '../support/fake-slack.js';

const FIRST_DUE = '2026-05-01';
const dayAfter = '2026-05-02';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Attempts to post the digest in the procurement channel, whatever Slack answered. */
const digestAttempts = (calls: readonly FakeSlackCall[]) =>
  calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === PROCUREMENT && isDigest(c));
const isDigest = (c: FakeSlackCall) =>
  (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'aiprocure_digest';
/** Direct messages to the admin (UANA): a post whose channel is her user id. */
const dmsToAdmin = (calls: readonly FakeSlackCall[]) =>
  calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'UANA' && c.status === 200);

describe('Slack: a procurement channel that was archived', () => {
  it('stops retrying, tells the admin once, shows in status, and delivers the owed digest once it is back', async () => {
    const slack = await SlackContracts.start();
    cleanups.push(() => slack.close());
    const { summary } = await slack.triage();
    await slack.register(summary);
    slack.fake.options.archivedChannels = [PROCUREMENT];

    expect(await slack.tickAt(londonNine(FIRST_DUE))).toEqual([]);
    expect(digestAttempts(slack.fake.calls)).toHaveLength(1);
    const [dm] = dmsToAdmin(slack.fake.calls);
    expect(dm && String(dm.args.text)).toContain('cannot be posted');
    expect(dm && JSON.stringify(dm.args.blocks)).toContain('The channel is archived.');

    // Every minute for the rest of the day: no attempt, no second message.
    for (const minutes of [1, 2, 60, 600]) {
      expect(await slack.tickAt(new Date(londonNine(FIRST_DUE).getTime() + minutes * 60_000))).toEqual([]);
    }
    expect(digestAttempts(slack.fake.calls)).toHaveLength(1);
    expect(dmsToAdmin(slack.fake.calls)).toHaveLength(1);

    // Anyone can see where reminders cannot go, and why.
    const status = await slack.command('status');
    expect(textOf(status.reply)).toContain(`<#${PROCUREMENT}>`);
    expect(textOf(status.reply)).toContain('The channel is archived.');
    expect(textOf(status.reply)).toContain('Reminders cannot reach one channel');

    // Unarchived: the next day's attempt posts the digest with what is still owed, and status is clear again.
    slack.fake.options.archivedChannels = [];
    const [digest] = await slack.tickAt(londonNine(dayAfter));
    expect(digest?.text).toContain('AI contract reminders');
    expect(JSON.stringify(digest?.blocks)).toContain('Service availability');
    expect(dmsToAdmin(slack.fake.calls)).toHaveLength(1);
    expect(textOf((await slack.command('status')).reply)).toContain('Reminders reach every channel');
  });

  it('retries a failure that may pass, the next minute, and tells nobody', async () => {
    const slack = await SlackContracts.start();
    cleanups.push(() => slack.close());
    const { summary } = await slack.triage();
    await slack.register(summary);
    let failures = 1;
    slack.fake.options.errorFor = (method, args) =>
      method === 'chat.postMessage' && args.channel === PROCUREMENT && failures-- > 0 ? 'internal_error' : undefined;

    expect(await slack.tickAt(londonNine(FIRST_DUE))).toEqual([]);
    const [digest] = await slack.tickAt(new Date(londonNine(FIRST_DUE).getTime() + 60_000));
    expect(digest?.text).toContain('AI contract reminders');
    expect(digestAttempts(slack.fake.calls)).toHaveLength(2);
    expect(dmsToAdmin(slack.fake.calls)).toEqual([]);
  });
});

describe('Teams: a team the bot was removed from', () => {
  it('stops retrying on 403, tells the admin in her personal chat once, and shows in status', async () => {
    const teams = await TeamsContracts.start();
    cleanups.push(() => teams.close());
    await teams.say('config channel', { channelId: PROCUREMENT_CHANNEL });
    // Alice, an admin, has a personal chat with the bot: that is where she is told.
    expect((await teams.harness.say('help', { type: 'personal' })).status).toBe(200);
    const { summary } = await teams.triage();
    const { posted: form } = await teams.executeForNewCard(summary, cardAction(summary.cards[0], 'contract_register'));
    const inputs = { ...cardInputs(form.cards[0]), supplier: 'Acme Analytics Ltd', early: EARLY };
    expect((await teams.execute(form, cardAction(form.cards[0], 'contract_submit'), inputs)).status).toBe(200);
    expect(await teams.stored()).toHaveLength(1);

    teams.connector.failNext('create', 100, 403);
    const creates = () => teams.connector.callsOf('create').length;
    const before = creates();
    const personal = () => teams.connector.state().filter((m) => m.conversationId.startsWith('a:'));
    const toldBefore = personal().length;

    expect(await teams.tickAt(londonNine(FIRST_DUE))).toEqual([]);
    expect(creates()).toBe(before + 1);
    const told = personal().slice(toldBefore);
    expect(told).toHaveLength(1);
    expect(cardLines(told[0]!.cards[0]).join(' ')).toContain('the bot was removed from this team or chat');

    for (const minutes of [1, 60]) {
      expect(await teams.tickAt(new Date(londonNine(FIRST_DUE).getTime() + minutes * 60_000))).toEqual([]);
    }
    expect(creates()).toBe(before + 1);
    expect(personal().slice(toldBefore)).toHaveLength(1);

    const [answer] = await teams.say('status');
    expect(cardLines(answer!.cards[0]).join(' ')).toContain('Reminders cannot reach one channel');
  });
});
