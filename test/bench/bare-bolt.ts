/**
 * The baseline: the least a Bolt app could do for the same result as the project. Same receiver (ExpressReceiver
 * on an express app, processBeforeResponse false); `/aiprocure help` acks with the project's own help message,
 * `triage …` and `triage_*` buttons ack; then each makes the Web API calls the driver counted the project making per
 * request (BENCH_CALLS_*), posting the very messages the project posted (BENCH_PAYLOADS_FILE), so both give the
 * same result. No store, no core.
 *
 * Env: PORT, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, BENCH_HELP_FILE (the help ack as JSON),
 * BENCH_CALLS_HELP, BENCH_CALLS_TRIAGE, BENCH_CALLS_ANSWER (comma-separated Web API methods, in order),
 * BENCH_PAYLOADS_FILE (per path, the text and blocks of each call, in order).
 */
import { readFileSync } from 'node:fs';
import { App, type BlockAction, ExpressReceiver, LogLevel, type RespondArguments } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import express from 'express';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`bare-bolt: ${name} is required`);
  return value;
}

const methods = (name: string) =>
  (process.env[name] ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);

const HELP_CALLS = methods('BENCH_CALLS_HELP');
const TRIAGE_CALLS = methods('BENCH_CALLS_TRIAGE');
const ANSWER_CALLS = methods('BENCH_CALLS_ANSWER');
const helpAck = JSON.parse(readFileSync(required('BENCH_HELP_FILE'), 'utf8')) as RespondArguments;

type Payload = { method: string; text?: string; blocks?: unknown[] };
const payloads = JSON.parse(readFileSync(required('BENCH_PAYLOADS_FILE'), 'utf8')) as Record<
  'help' | 'triage' | 'answer',
  Payload[]
>;

/** Makes `calls` one after another: a post without a thread starts one; an update edits the clicked message. */
async function follow(
  client: WebClient,
  calls: string[],
  messages: Payload[],
  where: { channel?: string; ts?: string; threadTs?: string },
) {
  const channel = where.channel;
  if (!channel) throw new Error('bare-bolt: request without a channel');
  let threadTs = where.threadTs;
  let last = where.ts;
  for (const [i, method] of calls.entries()) {
    const message = { text: messages[i]?.text ?? '', blocks: (messages[i]?.blocks ?? []) as never[] };
    if (method === 'chat.postMessage') {
      const result = await client.chat.postMessage({
        channel,
        ...message,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
      threadTs ??= result.ts;
      last = result.ts;
    } else if (method === 'chat.update') {
      await client.chat.update({ channel, ts: last ?? '', ...message });
    } else {
      await client.apiCall(method, { channel });
    }
  }
}

const http = express();
http.disable('x-powered-by');
http.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});
const receiver = new ExpressReceiver({
  signingSecret: required('SLACK_SIGNING_SECRET'),
  endpoints: '/slack/events',
  app: http,
  processBeforeResponse: false,
  logLevel: LogLevel.WARN,
});
const app = new App({
  token: required('SLACK_BOT_TOKEN'),
  receiver,
  logLevel: LogLevel.WARN,
  clientOptions: { slackApiUrl: required('SLACK_API_URL') },
  // The least any Bolt app could do: no per-conversation state either.
  convoStore: false,
});

app.command('/aiprocure', async ({ command, ack, client }) => {
  const help = command.text.trim() === 'help';
  await ack(help ? helpAck : undefined);
  await follow(client, help ? HELP_CALLS : TRIAGE_CALLS, help ? payloads.help : payloads.triage, {
    channel: command.channel_id,
  });
});

app.action<BlockAction>(/^triage_/, async ({ ack, body, client }) => {
  await ack();
  await follow(client, ANSWER_CALLS, payloads.answer, {
    channel: body.channel?.id ?? body.container?.channel_id,
    ts: body.message?.ts ?? body.container?.message_ts,
    threadTs: body.message?.thread_ts ?? body.container?.thread_ts,
  });
});

app.error(async (error) => {
  process.stderr.write(`bare-bolt listener error: ${error.message}\n`);
});

http.listen(Number(required('PORT')), '0.0.0.0');
// Exit cleanly on the driver's SIGTERM, so that flags like --cpu-prof can write their output.
process.on('SIGTERM', () => process.exit(0));
