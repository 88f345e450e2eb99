import { describe, expect, it } from 'vitest';
import { BOT_TOKEN, buttons, CHANNEL, SlackHarness, TEAM, textOf } from '../helpers/slack-harness.js';
import { startFakeSlack } from '../support/fake-slack.js';
import { startFakeSocketMode } from '../support/fake-socket-mode.js';
import { blockAction, messageEvent, slashCommand } from '../support/slack-requests.js';

describe('Slack: Socket Mode', () => {
  it('runs the same triage over Socket Mode, acking each envelope and ignoring redeliveries', async () => {
    const socket = await startFakeSocketMode();
    const fake = await startFakeSlack({ teamId: TEAM, socketModeUrl: socket.url });
    const harness = await SlackHarness.start({
      fake,
      env: { slack: { botToken: BOT_TOKEN, appToken: 'xapp-1-test-app-token', socketMode: true, apiUrl: fake.url } },
    });
    try {
      const help = await socket.sendEnvelope({
        type: 'slash_commands',
        payload: slashCommand({
          text: 'help',
          userId: 'UANA',
          channelId: CHANNEL,
          teamId: TEAM,
          responseUrl: fake.responseUrl('h'),
        }),
      });
      expect(JSON.stringify(help.payload)).toContain('/aiprocure triage');

      const start = slashCommand({
        text: 'triage Socket triage',
        userId: 'UANA',
        channelId: CHANNEL,
        teamId: TEAM,
        responseUrl: fake.responseUrl('t'),
      });
      await socket.sendEnvelope({ type: 'slash_commands', payload: start });
      // Slack redelivers on reconnect: the same command again must not start a second triage.
      await socket.sendEnvelope({ type: 'slash_commands', payload: start, retryAttempt: 1, retryReason: 'timeout' });
      await fake.waitFor(() => harness.messages().some((m) => m.threadTs));
      await harness.settle(100);
      expect(harness.messages().filter((m) => !m.threadTs)).toHaveLength(1);

      const root = harness.rootOf('Socket triage');
      const question = harness.currentQuestion(root.ts)!;
      const none = buttons(question).find((b) => b.payload.o === 'none')!;
      const click = blockAction({
        actionId: none.actionId,
        value: none.value,
        userId: 'UBEN',
        channelId: CHANNEL,
        teamId: TEAM,
        messageTs: question.ts,
        threadTs: root.ts,
      });
      const ack = await socket.sendEnvelope({ type: 'interactive', payload: click });
      expect(ack.envelope_id).toBeTruthy();
      await fake.waitFor(() => harness.messages().some((m) => textOf(m).includes('answered by <@UBEN>')));
      await harness.settle();
      expect(harness.questionIdOf(harness.currentQuestion(root.ts)!)).toBe('role');

      // A thread message event arrives too (and is ignored: the current question takes buttons, not text).
      const event = messageEvent({
        text: 'hello',
        userId: 'UANA',
        channelId: CHANNEL,
        teamId: TEAM,
        threadTs: root.ts,
      });
      const eventAck = await socket.sendEnvelope({ type: 'events_api', payload: event });
      expect(eventAck.envelope_id).toBeTruthy();
      expect(fake.violations).toEqual([]);
    } finally {
      await harness.close(false);
      await socket.close();
      await fake.close();
    }
  });
});
