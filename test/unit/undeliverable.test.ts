import { describe, expect, it } from 'vitest';
import { classifySlackError } from '../../src/channels/slack/poster.js';
import { classifyTeamsError } from '../../src/channels/teams/poster.js';
import { UndeliverableError } from '../../src/scheduler/types.js';

const slackError = (code: string) =>
  Object.assign(new Error(`An API error occurred: ${code}`), { data: { error: code } });

describe('which failures are dead ends', () => {
  it.each(['channel_not_found', 'is_archived', 'not_in_channel', 'account_inactive', 'token_revoked', 'invalid_auth'])(
    'Slack %s is permanent, with advice',
    (code) => {
      const classified = classifySlackError(slackError(code));
      expect(classified).toBeInstanceOf(UndeliverableError);
      expect((classified as UndeliverableError).reason).toBe(code);
      expect((classified as UndeliverableError).advice.length).toBeGreaterThan(20);
    },
  );

  it.each(['internal_error', 'ratelimited', 'fatal_error', 'service_unavailable'])('Slack %s is retried', (code) => {
    const error = slackError(code);
    expect(classifySlackError(error)).toBe(error);
  });

  it('Teams 403 and 404 are permanent; 429, 5xx and timeouts are retried', () => {
    for (const status of [403, 404]) {
      expect(classifyTeamsError(Object.assign(new Error('x'), { statusCode: status }))).toBeInstanceOf(
        UndeliverableError,
      );
    }
    for (const error of [
      Object.assign(new Error('x'), { statusCode: 429 }),
      Object.assign(new Error('x'), { statusCode: 502 }),
      new Error('the Bot Connector did not answer within 300 ms'),
    ]) {
      expect(classifyTeamsError(error)).toBe(error);
    }
  });
});
