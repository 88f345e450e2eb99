/**
 * Roles, end to end on both platforms: who may change settings and roles, who may register contracts and record
 * results, what guests may do, and that every refusal is private (a Slack ephemeral; a Teams answer under the
 * card or in the thread), changes nothing and is logged. The roles are checked once, in the core.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  cardAction,
  cardLines,
  invokeMessage,
  SlackContracts,
  slackButton,
  slackText,
  TEAMS_TENANT,
  TeamsContracts,
} from '../helpers/contracts-driver.js';
import { CHANNEL, TEAM, textOf } from '../helpers/slack-harness.js';
import { ALICE, BOB, channelMessage, postActivity } from '../support/teams-activities.js';
import { waitUntil } from '../support/wait.js';

let slack: SlackContracts | undefined;
let teams: TeamsContracts | undefined;
afterEach(async () => {
  await slack?.close();
  await teams?.close();
  slack = undefined;
  teams = undefined;
});

const TENANT = `slack_${TEAM}`;

/** The text of the `count`-th ephemeral note `user` received (a click's answer, seen by them alone). */
async function lastNote(s: SlackContracts, user: string, count: number): Promise<string> {
  const mine = (calls: typeof s.fake.calls) =>
    calls.filter((c) => c.method === 'chat.postEphemeral' && c.args.user === user);
  const notes = mine(await s.fake.waitFor((calls) => mine(calls).length >= count, 5000, `note ${count} for ${user}`));
  return textOf({ blocks: notes[count - 1]!.args.blocks, text: String(notes[count - 1]!.args.text ?? '') });
}

const refusals = (logs: string[]) =>
  logs
    .join('')
    .split('\n')
    .filter((l) => l.includes('"msg":"refused: role"'));

describe('Slack roles', () => {
  it('refuses a member who tries to move the procurement channel, privately, and changes nothing', async () => {
    slack = await SlackContracts.start();
    const s = slack;
    await s.command('config channel <#CPROC001|procurement>');
    const settled = await s.harness.service!.settingsRepository.get(TENANT);
    const posts = s.fake.callsOf('chat.postMessage').length;

    const answer = await s.command('config channel <#CMINE001|mine>', 'UBEN');
    expect(answer.reply.text).toContain('Changing the bot’s settings is for an admin.');
    // Nothing said in the stranger's channel, nothing saved.
    expect(s.fake.callsOf('chat.postMessage')).toHaveLength(posts);
    expect(await s.harness.service!.settingsRepository.get(TENANT)).toEqual(settled);
    // Logged, with who tried what.
    const [line] = refusals(s.harness.logs);
    expect(line).toContain('"user":"UBEN"');
    expect(line).toContain('"permission":"settings"');
  });

  it('announces a change of procurement channel in the old channel and in the new one', async () => {
    slack = await SlackContracts.start();
    const s = slack;
    await s.command('config channel <#CPROC001|procurement>');
    const before = s.fake.callsOf('chat.postMessage').length;
    const answer = await s.command('config channel <#CPROC002|procurement-2>');
    expect(slackText(answer.reply)).toContain('will now be posted to <#CPROC002>');
    const posts = s.fake.callsOf('chat.postMessage').slice(before);
    expect(posts.map((c) => c.args.channel)).toEqual(['CPROC002', 'CPROC001']);
    expect(textOf({ blocks: posts[0]!.args.blocks })).toContain('until now they went to <#CPROC001>');
    expect(textOf({ blocks: posts[1]!.args.blocks })).toContain('now go to <#CPROC002> instead of this channel');
  });

  it('makes workspace owners and admins admins, and lets admins give and take roles', async () => {
    slack = await SlackContracts.start();
    const s = slack;
    s.fake.options.users = { UOWNER9: { is_owner: true }, UWSADMIN: { is_admin: true } };
    expect((await s.command('config hour 8', 'UWSADMIN')).reply.text).toContain('posted at 08:00');
    expect((await s.command('config hour 7', 'UOWNER9')).reply.text).toContain('posted at 07:00');

    const { summary } = await s.triage();
    // A member may not register a contract: no form opens, and they are told who can.
    await s.click(summary, slackButton(summary, 'contract_register'), 'UBEN');
    const note = await lastNote(s, 'UBEN', 1);
    expect(note).toContain('Registering a contract is for the procurement team or an admin.');
    expect(s.fake.callsOf('views.open')).toEqual([]);

    expect((await s.command('roles add <@UBEN|ben> procurement', 'UWSADMIN')).reply.text).toContain(
      'now has the procurement role',
    );
    const roles = await s.command('roles', 'UBEN');
    expect(roles.reply.text).toBe('Roles in this workspace');
    expect(JSON.stringify(roles.reply.blocks)).toContain('<@UBEN>');
    // Now they may: the form opens for them.
    const modal = await s.openModal(summary, slackButton(summary, 'contract_register'), 'UBEN');
    expect(modal.callbackId).toBe('contract_submit');

    // Only admins change roles; and the change is undone as easily.
    expect((await s.command('roles add <@UCAT|cat> admin', 'UBEN')).reply.text).toContain(
      'Changing roles is for an admin.',
    );
    expect((await s.command('roles remove <@UBEN|ben> procurement', 'UANA')).reply.text).toContain(
      'no longer has the procurement role',
    );
    await s.click(summary, slackButton(summary, 'contract_register'), 'UBEN');
    expect(await lastNote(s, 'UBEN', 2)).toContain('Registering a contract is for');
  });

  it('lets a contract’s owner record its results, and nobody else below procurement', async () => {
    slack = await SlackContracts.start();
    const s = slack;
    const { summary } = await s.triage();
    const { contract } = await s.register(summary, { owner: 'UOWNER1', sro: 'USRO1' });
    await s.command('config channel <#CPROC001|procurement>');
    const [digest] = await s.tickAt(new Date('2026-05-01T08:00:00Z'));
    const record = slackButton(digest!, 'reminder_record');
    const opened = s.fake.callsOf('views.open').length;
    await s.click(digest!, record, 'UCAT');
    expect(await lastNote(s, 'UCAT', 1)).toContain(
      'Recording a result is for the procurement team, an admin, or the contract’s owner or SRO.',
    );
    expect(s.fake.callsOf('views.open')).toHaveLength(opened);
    const modal = await s.openModal(digest!, record, 'UOWNER1');
    expect(modal.callbackId).toBe('reminder_result');
    // Snoozing is for procurement, even for the owner.
    await s.click(digest!, slackButton(digest!, 'reminder_snooze'), 'UOWNER1');
    expect(await lastNote(s, 'UOWNER1', 1)).toContain('Snoozing a reminder is for the procurement team or an admin.');
    expect((await s.harness.service!.contractRepository.get(TENANT, contract.id))!.snoozes).toEqual({});
  });

  it('keeps guests to member rights, and lets an admin bar them', async () => {
    slack = await SlackContracts.start();
    const s = slack;
    s.fake.options.users = { UGUEST1: { is_restricted: true }, UGUEST2: { is_ultra_restricted: true } };
    // A guest starts a triage like any member.
    await s.harness.command('triage Guest proposal', 'UGUEST1');
    await s.fake.waitFor((calls) =>
      calls.some((c) => c.method === 'chat.postMessage' && JSON.stringify(c.args).includes('Guest proposal')),
    );
    // A guest is a member at most, even when an admin named them.
    await s.command('roles add <@UGUEST2|g2> admin');
    expect((await s.command('config hour 6', 'UGUEST2')).reply.text).toContain('Guests are members at most.');

    expect((await s.command('roles guests bar')).reply.text).toContain('Guests are now barred');
    const posts = s.fake.callsOf('chat.postMessage').length;
    const refused = await s.command('triage Another guest proposal', 'UGUEST1');
    expect(refused.reply.text).toContain('An admin has barred guests');
    expect(s.fake.callsOf('chat.postMessage')).toHaveLength(posts);
    // Members are not affected.
    await s.harness.command('triage A member proposal', 'UBEN', CHANNEL);
    await s.fake.waitFor((calls) => calls.some((c) => JSON.stringify(c.args).includes('A member proposal')));
  });

  it('says so when Slack cannot tell who someone is, rather than guessing', async () => {
    slack = await SlackContracts.start();
    const s = slack;
    s.fake.rateLimit('users.info', { times: 10, retryAfterSeconds: 0 });
    const answer = await s.command('config hour 5', 'UWHO001');
    expect(answer.reply.text).toContain('I could not check your role just now');
    expect((await s.harness.service!.settingsRepository.get(TENANT)).digestHour).toBeUndefined();
  });
});

describe('Teams roles', () => {
  it('refuses a member’s config channel and lets an admin give roles by @mention', async () => {
    teams = await TeamsContracts.start();
    const t = teams;
    const before = t.connector.calls.length;
    await t.harness.say('config channel', { channelId: '19:bobs-channel@thread.tacv2', user: BOB });
    await t.connector.waitFor(
      (calls) => calls.slice(before).some((c) => JSON.stringify(c.body).includes('is for an admin')),
      5000,
      'the refusal',
    );
    expect((await t.harness.service.settingsRepository.get(TEAMS_TENANT)).procurementChannel).toBeUndefined();
    expect(t.connector.callsOf('create')).toEqual([]);
    expect(refusals(t.harness.logs)[0]).toContain(`"user":"${BOB.aadObjectId}"`);

    // Alice (an admin) gives Bob the procurement role by mentioning him; he is known by his Entra object id.
    const mention = `<at>${BOB.name}</at>`;
    const activity = channelMessage({
      serviceUrl: t.connector.url,
      text: `roles add ${mention} procurement`,
      user: ALICE,
    });
    const given = t.connector.calls.length;
    await postActivity(t.harness.baseUrl, {
      ...activity,
      entities: [
        ...(activity.entities ?? []),
        { type: 'mention', text: mention, mentioned: { id: BOB.id, name: BOB.name } },
      ],
    });
    await t.connector.waitFor(
      (calls) => calls.slice(given).some((c) => JSON.stringify(c.body).includes('now has the procurement role')),
      5000,
      'the change',
    );
    const roles = await t.harness.service.access.standing(TEAMS_TENANT, {
      id: BOB.aadObjectId,
      facts: async () => ({ admin: false, guest: false }),
    });
    expect(roles.role).toBe('procurement');

    // Bob may now open the registration form; a click by someone else below procurement is refused under the card.
    const { summary } = await t.triage();
    const register = cardAction(summary.cards[0], 'contract_register');
    const carol = { id: '29:user-carol', name: 'Carol', aadObjectId: '3c0f9b1e-1111-4222-8333-444455556666' };
    t.connector.options.members = [
      { ...ALICE, userRole: 'user' },
      { ...BOB, userRole: 'user' },
      { ...carol, userRole: 'user' },
    ];
    const refused = await t.execute(summary, register, undefined, carol);
    expect(invokeMessage(refused)).toContain('Registering a contract is for the procurement team or an admin.');
    const opened = await t.execute(summary, register, undefined, BOB);
    expect(invokeMessage(opened)).toBe('The form is in the conversation below.');
  });

  it('announces a change of procurement channel as new posts in the old channel and the new one', async () => {
    teams = await TeamsContracts.start();
    const t = teams;
    await t.say('config channel', { channelId: '19:first@thread.tacv2' });
    const before = t.connector.callsOf('create').length;
    await t.say('config channel', { channelId: '19:second@thread.tacv2' });
    const posts = t.connector.callsOf('create').slice(before);
    const channelOf = (body: unknown) => (body as { channelData: { channel: { id: string } } }).channelData.channel.id;
    expect(posts.map((c) => channelOf(c.body))).toEqual(['19:second@thread.tacv2', '19:first@thread.tacv2']);
    expect(JSON.stringify(posts[1]!.body)).toContain('instead of this channel');
    expect((await t.harness.service.settingsRepository.get(TEAMS_TENANT)).procurementChannel).toBe(
      '19:second@thread.tacv2',
    );
  });

  it('treats a Teams guest as a member at most, and bars guests when told', async () => {
    teams = await TeamsContracts.start();
    const t = teams;
    t.connector.options.members = [
      { ...ALICE, userRole: 'user' },
      { ...BOB, userRole: 'guest' },
    ];
    // Even named as an admin, a guest may not change settings.
    await t.harness.service.access.grant(
      TEAMS_TENANT,
      { ...ALICE, id: ALICE.aadObjectId, facts: async () => ({ admin: false, guest: false }) },
      { id: BOB.aadObjectId, name: BOB.name },
      'admin',
    );
    const before = t.connector.calls.length;
    await t.harness.say('config hour 6', { user: BOB });
    await t.connector.waitFor(
      (calls) => calls.slice(before).some((c) => JSON.stringify(c.body).includes('Guests are members at most')),
      5000,
      'the refusal',
    );
    // Barred: the guest's triage does not start.
    const [barred] = await t.say('roles guests bar');
    expect(cardLines(barred?.cards[0]).join(' ')).toContain('Guests are now barred');
    const posts = t.connector.calls.length;
    await t.harness.say('triage Guest idea', { user: BOB });
    await t.connector.waitFor(
      (calls) => calls.slice(posts).some((c) => JSON.stringify(c.body).includes('barred guests')),
      5000,
      'the barred note',
    );
    await waitUntil(() => refusals(t.harness.logs).length >= 2, 2000, 'both refusals logged');
    expect(t.connector.calls.slice(posts).some((c) => JSON.stringify(c.body).includes('Guest idea'))).toBe(false);
  });
});
