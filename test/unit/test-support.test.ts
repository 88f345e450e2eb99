import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { ErrorCode, WebClient, LogLevel as WebLogLevel } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findBroadcastMentions, validateMessage, validateView } from '../support/blockkit.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { startFakeSocketMode } from '../support/fake-socket-mode.js';
import { blockAction, messageEvent, postToSlackApp, slashCommand } from '../support/slack-requests.js';

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const button = (action_id: string, text = 'OK') => ({ type: 'button', action_id, text: plain(text), value: '{}' });

const questionMessage = {
  text: 'Question 2 of 7: does the system process personal data?',
  blocks: [
    { type: 'header', text: plain('AI risk triage') },
    { type: 'section', text: { type: 'mrkdwn', text: '*Does the system process personal data?*' } },
    {
      type: 'actions',
      block_id: 'q2',
      elements: [
        {
          type: 'checkboxes',
          action_id: 'triage.pick',
          options: [
            { text: { type: 'mrkdwn', text: '*Health* data' }, value: 'health' },
            { text: plain('Biometrics'), value: 'bio' },
          ],
          initial_options: [{ text: plain('Biometrics'), value: 'bio' }],
        },
        { ...button('triage.confirm', 'Confirm'), style: 'primary' },
        button('triage.none', 'None of these'),
      ],
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'Asked by <@U123>' }] },
    { type: 'divider' },
  ],
};

describe('blockkit validator', () => {
  it('accepts a valid question message and modal', () => {
    expect(validateMessage(questionMessage)).toEqual([]);
    const modal = {
      type: 'modal',
      callback_id: 'kpi.add',
      title: plain('Add a KPI'),
      submit: plain('Save'),
      blocks: [
        {
          type: 'input',
          block_id: 'name',
          label: plain('Name'),
          element: { type: 'plain_text_input', action_id: 'v', max_length: 200 },
        },
        {
          type: 'input',
          block_id: 'due',
          label: plain('Due'),
          element: { type: 'datepicker', action_id: 'v', initial_date: '2026-01-31' },
        },
      ],
    };
    expect(validateView(modal)).toEqual([]);
    expect(validateView({ ...modal, title: plain('x'.repeat(25)), submit: undefined })).toEqual([
      'view.title.text: String must contain at most 24 character(s)',
      'view.submit: a modal with input blocks needs submit',
    ]);
  });

  it('catches over-limit blocks', () => {
    const long = validateMessage({ blocks: [{ type: 'actions', elements: [button('a', 'x'.repeat(76))] }] });
    expect(long).toEqual(['blocks.0.elements.0.text.text: String must contain at most 75 character(s)']);
    const many = validateMessage({ text: 't', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) });
    expect(many).toEqual(['blocks: Array must contain at most 50 element(s)']);
    const section = validateMessage({
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }],
    });
    expect(section).toEqual(['blocks.0.text.text: String must contain at most 3000 character(s)']);
    const dup = validateMessage({ blocks: [{ type: 'actions', elements: [button('same'), button('same')] }] });
    expect(dup).toEqual(['blocks.0.elements.1.action_id: duplicate action_id "same"']);
    expect(validateMessage({})).toEqual(['text: a message needs text or blocks']);
  });

  it('finds broadcast mentions but not user mentions', () => {
    const payload = {
      text: 'hi <@U1>',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x <!channel> y' } }],
    };
    expect(findBroadcastMentions(payload)).toEqual(['<!channel>']);
    expect(findBroadcastMentions({ text: '<!here|here> <!subteam^S1|@team> @everyone' })).toEqual([
      '<!here|here>',
      '<!subteam^S1|@team>',
    ]);
    expect(findBroadcastMentions({ text: '<@U1> &lt;!channel&gt;' })).toEqual([]);
  });
});

describe('fake Slack Web API with a real WebClient', () => {
  let fake: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    fake = await startFakeSlack({ unknownChannels: ['C_GONE'] });
    client = new WebClient('xoxb-test', { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('round-trips chat.postMessage', async () => {
    const first = await client.chat.postMessage({ channel: 'C1', ...questionMessage });
    const second = await client.chat.postMessage({ channel: 'C1', text: 'again', thread_ts: first.ts });
    expect(first.ok).toBe(true);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    const [call] = fake.callsOf('chat.postMessage');
    expect(call?.token).toBe('xoxb-test');
    expect(call?.args.blocks).toEqual(questionMessage.blocks);
    expect(fake.callsOf('chat.postMessage')[1]?.args.thread_ts).toBe(first.ts);
  });

  it('answers invalid_blocks and channel_not_found like Slack', async () => {
    const bad = client.chat.postMessage({ channel: 'C1', text: 't', blocks: [{ type: 'header', text: plain('') }] });
    await expect(bad).rejects.toMatchObject({ code: ErrorCode.PlatformError, data: { error: 'invalid_blocks' } });
    expect(fake.violations[0]?.errors).toEqual(['blocks.0.text.text: String must contain at least 1 character(s)']);
    const gone = client.chat.postMessage({ channel: 'C_GONE', text: 'hi' });
    await expect(gone).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
  });

  it('rate limits with 429 and Retry-After', async () => {
    fake.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 7 });
    const strict = new WebClient('xoxb-test', { slackApiUrl: fake.url, rejectRateLimitedCalls: true });
    await expect(strict.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
    // A retrying client waits Retry-After (0 here) and then succeeds; Slack saw both requests.
    fake.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 0 });
    const patient = new WebClient('xoxb-test', {
      slackApiUrl: fake.url,
      logLevel: WebLogLevel.ERROR,
      retryConfig: { retries: 1, minTimeout: 1, maxTimeout: 1 },
    });
    expect((await patient.chat.postMessage({ channel: 'C1', text: 'x' })).ok).toBe(true);
    expect(fake.callsOf('chat.postMessage').map((c) => c.status)).toEqual([429, 429, 200]);
  });

  it('records filesUploadV2 content', async () => {
    const res = await client.filesUploadV2({
      channel_id: 'C1',
      thread_ts: '1700000000.000101',
      content: 'kpi,target\nuptime,99.5\n',
      filename: 'kpis.csv',
      title: 'KPIs',
    });
    expect(res.ok).toBe(true);
    expect(fake.calls.map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'upload',
      'files.completeUploadExternal',
    ]);
    expect(fake.files).toEqual([
      expect.objectContaining({
        filename: 'kpis.csv',
        title: 'KPIs',
        content: 'kpi,target\nuptime,99.5\n',
        channel: 'C1',
        thread_ts: '1700000000.000101',
        completed: true,
      }),
    ]);
  });

  it('rejects waitFor with the methods seen', async () => {
    await client.auth.test();
    await expect(fake.waitForCalls('chat.update', 1, 50)).rejects.toThrow(/1 × chat.update.*auth.test×1/);
  });
});

describe('real Bolt app against the fakes', () => {
  it('acks a slash command over Socket Mode', async () => {
    const socket = await startFakeSocketMode();
    const fake = await startFakeSlack({ socketModeUrl: socket.url });
    const app = new App({
      token: 'xoxb-test',
      appToken: 'xapp-test',
      socketMode: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    app.command('/ping', async ({ ack }) => ack('pong'));
    try {
      await app.start();
      const payload = slashCommand({
        command: '/ping',
        text: '',
        userId: 'U1',
        channelId: 'C1',
        teamId: 'T111',
        responseUrl: fake.responseUrl('r1'),
      });
      const ack = await socket.sendEnvelope({ type: 'slash_commands', payload });
      expect(ack.payload).toEqual({ text: 'pong' });
      expect(fake.callsOf('apps.connections.open')[0]?.token).toBe('xapp-test');
    } finally {
      await app.stop();
      await socket.close();
      await fake.close();
    }
  });

  it('accepts signed HTTP requests built by slack-requests', async () => {
    const secret = 'shh';
    const fake = await startFakeSlack();
    const app = new App({
      token: 'xoxb-test',
      signingSecret: secret,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    app.command('/aiprocure', async ({ ack, respond }) => {
      await ack({ response_type: 'ephemeral', text: 'thinking' });
      await respond({ text: 'done' });
    });
    app.action('triage.confirm', async ({ ack, body, client }) => {
      await ack();
      await client.chat.postMessage({ channel: 'C1', text: `clicked by ${body.user.id}` });
    });
    app.message(async ({ message, say }) => {
      if ('text' in message) await say(`echo ${message.text}`);
    });
    const server = (await app.start(0)) as Server;
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ids = { userId: 'U1', channelId: 'C1', teamId: 'T111' };
      const cmd = slashCommand({ ...ids, text: 'triage', responseUrl: fake.responseUrl('cmd') });
      const ok = await postToSlackApp(base, 'form', cmd, { secret });
      expect(ok).toMatchObject({ status: 200, json: { text: 'thinking' } });
      expect((await postToSlackApp(base, 'form', cmd, { secret, badSignature: true })).status).toBe(401);
      const old = Math.floor(Date.now() / 1000) - 600;
      expect((await postToSlackApp(base, 'form', cmd, { secret, timestamp: old })).status).toBe(401);
      const click = blockAction({ ...ids, actionId: 'triage.confirm', value: '{}', messageTs: '1700000000.000101' });
      expect((await postToSlackApp(base, 'form', click, { secret })).status).toBe(200);
      const msg = messageEvent({ ...ids, text: 'hello' });
      expect((await postToSlackApp(base, 'json', msg, { secret })).status).toBe(200);
      await fake.waitFor((calls) => calls.filter((c) => c.method === 'chat.postMessage').length >= 2);
      expect(fake.callsOf('respond')[0]).toMatchObject({ target: 'cmd', args: { text: 'done' } });
      const texts = fake.callsOf('chat.postMessage').map((c) => c.args.text);
      expect(texts.sort()).toEqual(['clicked by U1', 'echo hello']);
    } finally {
      await app.stop();
      await fake.close();
    }
  });
});
