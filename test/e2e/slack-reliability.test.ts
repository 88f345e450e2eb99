import { afterEach, describe, expect, it } from 'vitest';
import { ContractActions } from '../../src/core/contracts/actions.js';
import { REDIS_URL, testNamespace } from '../helpers/backends.js';
import {
  BOT_TOKEN,
  buttons,
  CHANNEL,
  PROCUREMENT,
  SECRET,
  SlackHarness,
  TEAM,
  textOf,
} from '../helpers/slack-harness.js';
import { findBroadcastMentions } from '../support/blockkit.js';
import { startFakeSlack } from '../support/fake-slack.js';
import { blockAction, postToSlackApp, viewSubmission } from '../support/slack-requests.js';
import { waitUntil } from '../support/wait.js';
import { rawAnswers } from '../unit/triage-helpers.js';

const benefits = rawAnswers('benefits-scoring');

const harnesses: SlackHarness[] = [];
async function start(options: Parameters<typeof SlackHarness.start>[0] = {}) {
  const harness = await SlackHarness.start(options);
  harnesses.push(harness);
  return harness;
}
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

/** A signed "Record a result" modal submission for contract C-7K2M9Q, which this tenant does not have. */
function submitResultModal(harness: SlackHarness) {
  return postToSlackApp(
    harness.baseUrl,
    'form',
    viewSubmission({
      callbackId: ContractActions.submitResult,
      privateMetadata: JSON.stringify({ p: { c: 'C-7K2M9Q', k: 'kpi:K1:2026-05-01' }, c: CHANNEL }),
      stateValues: {},
      userId: 'UANA',
      userName: 'ana',
      teamId: TEAM,
      view: { title: { type: 'plain_text', text: 'Record a result' } },
    }),
    { secret: SECRET },
  );
}

function allPayloads(harness: SlackHarness) {
  return harness.fake.calls.map((c) => c.args);
}

describe('Slack: commands and bad input', () => {
  it('answers help, an unknown subcommand and an empty title with ephemeral usage in the ack', async () => {
    const harness = await start();
    for (const [text, expected] of [
      ['help', '/aiprocure triage'],
      ['', '/aiprocure triage'],
      ['frobnicate', 'Unknown command “frobnicate”'],
      ['triage', 'Give the purchase a title'],
      ['triage    ', 'Give the purchase a title'],
      [`triage ${'x'.repeat(200)}`, 'keep it under 150'],
      ['config channel', 'Which channel?'],
      ['config colour blue', 'Usage: config channel, config timezone &lt;zone&gt;, config hour'],
    ] as const) {
      const ack = await harness.command(text);
      expect(ack.status, text).toBe(200);
      const body = ack.json as { response_type?: string; text?: string; blocks?: unknown };
      expect(body.response_type, text).toBe('ephemeral');
      expect(textOf({ text: body.text, blocks: body.blocks }), text).toContain(expected);
    }
    await harness.settle();
    expect(harness.fake.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it('rejects a bad or stale signature with 401 and does nothing', async () => {
    const harness = await start();
    const form = { text: 'triage Sneaky', command: '/aiprocure', team_id: TEAM, user_id: 'U1', channel_id: CHANNEL };
    const bad = await postToSlackApp(harness.baseUrl, 'form', form, { secret: SECRET, badSignature: true });
    const old = await postToSlackApp(harness.baseUrl, 'form', form, {
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(bad.status).toBe(401);
    expect(old.status).toBe(401);
    await harness.settle();
    expect(harness.fake.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it('sets the procurement channel and posts the summary there', async () => {
    const harness = await start();
    const ack = await harness.command('config channel <#CPROC99|procurement>');
    expect(ack.status).toBe(200);
    const confirmation = await harness.fake.waitForCalls('respond', 1);
    expect(JSON.stringify(confirmation[0]!.args)).toContain('<#CPROC99>');
    const [welcome] = harness.messages().filter((m) => m.channel === 'CPROC99');
    expect(welcome && textOf(welcome)).toContain('will now receive AI procurement triage summaries');
    const root = await harness.triageUntil('__end__');
    expect(harness.thread(root.ts).some((m) => textOf(m).includes('Triage result'))).toBe(true);
    const procurement = harness.messages().filter((m) => m.channel === 'CPROC99');
    expect(procurement).toHaveLength(2);
    // The summary a procurement officer acts on: tier, each regime's classification, what the buyer must do.
    const summary = textOf(procurement[1]!);
    for (const part of ['AI procurement triage: High', 'Annex III', 'ATRS record expected', 'High-impact AI']) {
      expect(summary).toContain(part);
    }
    expect(summary).toMatch(/\d+ gates · \d+ clauses · \d+ KPIs · \d+ evidence items/);
    expect(summary).toContain('Open the triage thread');
  });

  it('refuses a procurement channel the bot was not invited to, saying how to invite it', async () => {
    const fake = await startFakeSlack({ teamId: TEAM, notInChannels: ['CNOTJOINED'] });
    const harness = await start({ fake });
    await harness.command('config channel <#CNOTJOINED|elsewhere>');
    const [reply] = await harness.fake.waitForCalls('respond', 1);
    expect(JSON.stringify(reply!.args)).toContain('/invite @aiprocure');
    // Nothing was saved: a finished triage still says no channel is set.
    const root = await harness.triageUntil('__end__');
    expect(harness.thread(root.ts).some((m) => textOf(m).includes('No procurement channel is set'))).toBe(true);
  });

  it('explains how to invite the bot when a triage starts in a channel it has not joined', async () => {
    const fake = await startFakeSlack({ teamId: TEAM, notInChannels: [CHANNEL] });
    const harness = await start({ fake });
    await harness.command('triage Chatbot for the council');
    await harness.fake.waitFor((calls) =>
      calls.some(
        (c) =>
          (c.method === 'respond' || c.method === 'chat.postEphemeral') &&
          JSON.stringify(c.args).includes('/invite @aiprocure'),
      ),
    );
    expect(harness.messages()).toHaveLength(0);
  });

  it('keeps the summary in the thread and says how to set a procurement channel when none is set', async () => {
    const harness = await start();
    const root = await harness.triageUntil('__end__');
    expect(harness.thread(root.ts).some((m) => textOf(m).includes('No procurement channel is set'))).toBe(true);
  });

  it('tells the thread when the bot may not post to the procurement channel', async () => {
    const fake = await startFakeSlack({ teamId: TEAM, notInChannels: ['CPRIVATE'] });
    const harness = await start({ fake, procurementChannel: 'CPRIVATE' });
    const root = await harness.triageUntil('__end__');
    const notice = harness.thread(root.ts).find((m) => textOf(m).includes('could not post the summary'));
    expect(notice && textOf(notice)).toContain('/invite @aiprocure');
    expect(harness.thread(root.ts).some((m) => textOf(m).includes('Triage result'))).toBe(true);
  });
});

describe('Slack: nothing doubled, nothing lost', () => {
  it('starts one triage however often Slack delivers the same command', async () => {
    const harness = await start();
    const triggerId = 'trigger-123.456';
    const acks = await Promise.all([
      harness.command('triage Once only', 'UANA', CHANNEL, { triggerId }),
      harness.command('triage Once only', 'UANA', CHANNEL, { triggerId, retryNum: 1 }),
    ]);
    await harness.command('triage Once only', 'UANA', CHANNEL, { triggerId, retryNum: 2 });
    expect(acks.map((a) => a.status)).toEqual([200, 200]);
    await harness.settle(150);
    expect(harness.messages().filter((m) => !m.threadTs)).toHaveLength(1);
    expect(harness.fake.callsOf('chat.postMessage')).toHaveLength(2);
  });

  it('records a thread reply once when the event is redelivered', async () => {
    const harness = await start();
    const root = await harness.triageUntil('contract_value');
    const before = harness.fake.calls.length;
    const eventId = 'Ev0123RETRY';
    await Promise.all([
      harness.reply(root.ts, '£6.2m', 'UANA', { eventId }),
      harness.reply(root.ts, '£6.2m', 'UANA', { eventId, retryNum: 1 }),
    ]);
    await harness.reply(root.ts, '£6.2m', 'UANA', { eventId, retryNum: 2 });
    await harness.fake.waitFor((calls) =>
      calls.slice(before).some((c) => textOf({ blocks: c.args.blocks }).includes('Triage result')),
    );
    await harness.settle(150);
    const summaries = harness.thread(root.ts).filter((m) => textOf(m).includes('Triage result'));
    expect(summaries).toHaveLength(1);
    expect(harness.messages().filter((m) => textOf(m).includes('Answer: *£6.2m*'))).toHaveLength(1);
  });

  it('takes one answer when two people click at the same moment, and tells the other', async () => {
    const harness = await start();
    const root = await harness.triageUntil('role');
    const question = harness.currentQuestion(root.ts)!;
    const all = buttons(question);
    const recommends = all.find((b) => b.payload.o === 'recommends')!;
    const decides = all.find((b) => b.payload.o === 'decides')!;
    const postsBefore = harness.fake.callsOf('chat.postMessage').length;
    await Promise.all([harness.click(question, recommends, 'UANA'), harness.click(question, decides, 'UBEN')]);
    await harness.fake.waitForCalls('chat.postEphemeral', 1);
    await harness.settle(150);
    expect(harness.fake.callsOf('chat.postMessage').length - postsBefore).toBe(1);
    const [notice] = harness.ephemerals();
    const loser = notice!.args.user;
    expect(['UANA', 'UBEN']).toContain(loser);
    expect(textOf({ blocks: notice!.args.blocks })).toContain('already answered');
    const collapsed = harness.thread(root.ts).filter((m) => textOf(m).includes('What role does the AI play'));
    expect(collapsed).toHaveLength(1);
    const winner = loser === 'UANA' ? 'UBEN' : 'UANA';
    expect(textOf(collapsed[0]!)).toContain(`answered by <@${winner}>`);
  });

  it('answers a repeated or stale click politely and changes nothing', async () => {
    const harness = await start();
    const root = await harness.triageUntil('role');
    const roleQuestion = harness.currentQuestion(root.ts)!;
    const recommends = buttons(roleQuestion).find((b) => b.payload.o === 'recommends')!;
    await harness.answer(root.ts, 'recommends');
    const stateBefore = harness.currentQuestion(root.ts)!;
    await harness.click(roleQuestion, recommends, 'UANA');
    await harness.fake.waitForCalls('chat.postEphemeral', 1);
    await harness.click(roleQuestion, buttons(roleQuestion).find((b) => b.payload.o === 'none')!, 'UCAT');
    await harness.fake.waitForCalls('chat.postEphemeral', 2);
    const [mine, theirs] = harness.ephemerals();
    expect(textOf({ blocks: mine!.args.blocks })).toContain('You already answered this question');
    expect(textOf({ blocks: theirs!.args.blocks })).toContain('already answered');
    expect(textOf({ blocks: theirs!.args.blocks })).toContain('<@UANA>');
    expect(harness.currentQuestion(root.ts)!.ts).toBe(stateBefore.ts);
  });

  it('goes back to change the previous answer', async () => {
    const harness = await start();
    const root = await harness.triageUntil('domains');
    const domains = harness.currentQuestion(root.ts)!;
    await harness.click(domains, buttons(domains).find((b) => b.actionId.startsWith('triage_back'))!, 'UBEN');
    await harness.settle();
    const again = harness.currentQuestion(root.ts)!;
    expect(harness.questionIdOf(again)).toBe('role');
    expect(textOf(again)).toContain('Previous answer');
    expect(textOf(harness.messages().find((m) => m.ts === domains.ts)!)).toContain('went back');
    await harness.answer(root.ts, 'decides');
    const next = harness.currentQuestion(root.ts)!;
    expect(harness.questionIdOf(next)).toBe('domains');
    expect(
      harness.messages().filter((m) => textOf(m).includes('Answer: *Decides or acts without case review*')),
    ).toHaveLength(1);
  });

  it('retries a question Slack refused, and posts it even when Slack will not show the thread to look first', async () => {
    const fake = await startFakeSlack({ teamId: TEAM });
    const harness = await start({ fake });
    const root = await harness.triageUntil('role');
    let refused = 0;
    // The next question's post fails once; the retry's lookup is refused (a conversation without a history scope).
    fake.options.errorFor = (method, args) => {
      if (method === 'conversations.replies') return 'missing_scope';
      if (method === 'chat.postMessage' && args.thread_ts === root.ts && refused === 0) {
        refused += 1;
        return 'internal_error';
      }
      return undefined;
    };
    await harness.answer(root.ts, benefits.role!);
    const next = () => harness.thread(root.ts).filter((m) => harness.questionIdOf(m) === 'domains');
    await fake.waitFor(() => next().length > 0, 10_000, 'the retried question');
    expect(refused).toBe(1);
    expect(fake.callsOf('conversations.replies').length).toBeGreaterThan(0);
    await harness.settle();
    expect(next()).toHaveLength(1);
  });

  it('finishes a summary cut short by a Slack failure on the next click, without repeating what went out', async () => {
    const fake = await startFakeSlack({ teamId: TEAM });
    const harness = await start({ fake, procurementChannel: PROCUREMENT });
    const root = await harness.triageUntil('contract_value');
    const last = harness.currentQuestion(root.ts)!;
    // Slack refuses the triage channel as the last answer comes in: the answer is saved, the end is not posted.
    fake.options.notInChannels = [CHANNEL];
    await harness.reply(root.ts, '£6.2m');
    await harness.settle();
    expect(harness.thread(root.ts).some((m) => textOf(m).includes('Triage result'))).toBe(false);
    fake.options.notInChannels = [];
    // The next click on the triage (here a late one on the last question) finishes it.
    const dontKnow = buttons(last).find((b) => b.actionId.startsWith('triage_dont_know'))!;
    await harness.click(last, dontKnow);
    await harness.settle();
    expect(harness.thread(root.ts).filter((m) => textOf(m).includes('Triage result'))).toHaveLength(1);
    expect(textOf(harness.rootOf('Benefit fraud scoring'))).toContain('Result:');
    expect(harness.messages().filter((m) => m.channel === PROCUREMENT)).toHaveLength(1);
    // Once finished, later clicks point at the summary and post nothing more.
    const posts = harness.fake.callsOf('chat.postMessage').length;
    await harness.click(last, dontKnow);
    await harness.settle();
    expect(harness.fake.callsOf('chat.postMessage')).toHaveLength(posts);
    expect(textOf({ blocks: harness.ephemerals().at(-1)!.args.blocks })).toContain('the summary is in the thread');
  });

  it('rejects an unreadable free-text answer where the user is looking, and keeps the question open', async () => {
    const harness = await start();
    const root = await harness.triageUntil('contract_value');
    await harness.answer(root.ts, 'about six');
    const [notice] = harness.ephemerals('UANA');
    expect(textOf({ blocks: notice!.args.blocks })).toContain('couldn’t read an amount');
    expect(notice!.args.thread_ts).toBe(root.ts);
    expect(harness.questionIdOf(harness.currentQuestion(root.ts)!)).toBe('contract_value');
  });

  it('never lets another workspace touch a triage: one bot token acts for its own workspace only', async () => {
    const harness = await start();
    const root = await harness.triageUntil('role');
    const question = harness.currentQuestion(root.ts)!;
    const callsBefore = harness.fake.calls.length;
    // Signed by Slack for the same app, but from a workspace the token does not belong to.
    const click = blockAction({
      actionId: buttons(question)[0]!.actionId,
      value: buttons(question)[0]!.value,
      userId: 'UEVE',
      channelId: CHANNEL,
      teamId: 'TOTHER',
      messageTs: question.ts,
      threadTs: root.ts,
    });
    const res = await postToSlackApp(harness.baseUrl, 'form', click, { secret: SECRET });
    expect(res.status).toBe(200);
    await waitUntil(() => harness.logs.join('').includes('a workspace this bot does not serve'), 5000, 'the refusal');
    // Refused before any listener ran: nothing posted, nothing stored, the triage still waits on the same question.
    expect(harness.fake.calls.slice(callsBefore).filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect(harness.questionIdOf(harness.currentQuestion(root.ts)!)).toBe('role');
    const command = await harness.command('contracts', 'UEVE', CHANNEL, { teamId: 'TOTHER' });
    expect(command.status).toBe(200);
    expect(JSON.stringify(command.body ?? '')).not.toContain('AI contracts');
  });
});

describe('Slack: safety', () => {
  it('never lets user text ping anyone or inject links', async () => {
    const harness = await start({ procurementChannel: PROCUREMENT });
    const title = 'Chatbot <!channel> <!here|here> <@U0BAD> <https://evil.example|click> @everyone *bold*';
    await harness.command(`triage ${title}`);
    await harness.fake.waitFor(() => harness.messages().some((m) => m.threadTs));
    const root = harness.messages().find((m) => !m.threadTs)!;
    for (let i = 0; i < 20; i++) {
      const question = harness.currentQuestion(root.ts);
      const id = question && harness.questionIdOf(question);
      if (!id) break;
      await harness.answer(root.ts, id === 'contract_value' ? '<!everyone> £6m <@U0BAD>' : benefits[id]!);
    }
    expect(harness.messages().some((m) => m.channel === PROCUREMENT)).toBe(true);
    const payloads = allPayloads(harness);
    expect(findBroadcastMentions(payloads)).toEqual([]);
    const serialised = JSON.stringify(payloads);
    expect(serialised).not.toContain('<@U0BAD>');
    expect(serialised).not.toContain('<https://evil.example');
    expect(serialised).toContain('&lt;!channel&gt;');
    // The Markdown report escapes it too.
    const summary = harness.thread(root.ts).find((m) => textOf(m).includes('Triage result'))!;
    await harness.click(summary, buttons(summary).find((b) => b.actionId.startsWith('triage_export'))!);
    await harness.fake.waitFor(() => harness.fake.files.some((f) => f.completed));
    expect(harness.fake.files[0]!.content).not.toMatch(/<!channel>|<@U0BAD>/);
  });

  it('keeps tokens and secrets out of the logs', async () => {
    const harness = await start();
    await harness.triageUntil('domains');
    const logs = harness.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(BOT_TOKEN);
    expect(logs).not.toContain(SECRET);
  });
});

describe('Slack: store trouble', () => {
  it('says "temporarily unavailable" when the store is down, logs an error, and keeps serving', async () => {
    const harness = await start({ storeUrl: 'redis://127.0.0.1:1' });
    const ack = await harness.command('triage Store is down');
    expect(ack.status).toBe(200);
    const [reply] = await harness.fake.waitForCalls('respond', 1, 10_000);
    expect(textOf({ blocks: reply!.args.blocks })).toContain('temporarily unavailable');
    expect(harness.logs.join('')).toMatch(/"level":50.*store unavailable/);
    const help = await harness.command('help');
    expect(help.status).toBe(200);
  });

  it('says on the modal itself when a submitted form cannot be saved, and logs the outage', async () => {
    const harness = await start({ storeUrl: 'redis://127.0.0.1:1' });
    const answer = await submitResultModal(harness);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ response_action: 'update' });
    expect(answer.body).toContain('temporarily unavailable');
    expect(harness.logs.join('')).toMatch(/"level":50.*store unavailable/);
  });

  it('says on the modal itself when the contract a form was for is gone', async () => {
    const harness = await start();
    const answer = await submitResultModal(harness);
    expect(answer.json).toMatchObject({ response_action: 'update' });
    expect(answer.body).toContain('C-7K2M9Q');
    expect(answer.body).not.toContain('Something went wrong');
  });

  it('serialises concurrent clicks across two replicas sharing Redis', async () => {
    const namespace = testNamespace();
    const fake = await startFakeSlack({ teamId: TEAM });
    const a = await start({ fake, storeUrl: REDIS_URL, namespace });
    const b = await SlackHarness.start({ fake, storeUrl: REDIS_URL, namespace });
    try {
      const root = await a.triageUntil('role');
      const question = a.currentQuestion(root.ts)!;
      const all = buttons(question);
      const picks = ['none', 'drafts', 'recommends', 'decides'];
      const postsBefore = fake.callsOf('chat.postMessage').length;
      await Promise.all(
        picks.map((o, i) => (i % 2 ? b : a).click(question, all.find((x) => x.payload.o === o)!, `U${i}CLICK`)),
      );
      await fake.waitForCalls('chat.postEphemeral', 3);
      await a.settle(150);
      expect(fake.callsOf('chat.postMessage').length - postsBefore).toBe(1);
      expect(
        a.thread(root.ts).filter((m) => textOf(m).includes('answered by') && textOf(m).includes('What role')),
      ).toHaveLength(1);
    } finally {
      await b.close(false);
    }
  });
});
