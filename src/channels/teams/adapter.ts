import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Activity, TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Request, Response } from 'express';
import type { Logger } from '../../log.js';

/** jsonwebtoken's errors (a bad signature, a token not yet valid or expired): the caller's fault. */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/**
 * botbuilder's TeamsAdapter, with the HTTP answer in our hands. CloudAdapter.process prints every refused token to
 * the console (outside our logger and its redaction), sends the error text back, and answers 500 to a token
 * jsonwebtoken rejects itself (a forged signature under a published key id, an `nbf` ahead). Here every token that
 * cannot be verified is a plain 401, logged once through pino; anything else that fails is a 500 with a reference
 * in the log. The turn itself runs exactly as botbuilder runs it (processActivity: authentication, middleware, logic).
 */
export class GuardedTeamsAdapter extends TeamsAdapter {
  async handle(req: Request, res: Response, logger: Logger, logic: (ctx: TurnContext) => Promise<void>) {
    const activity = withDates(req.body as Activity);
    const authHeader = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    try {
      const invoke = await this.processActivity(authHeader, activity, logic);
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (error instanceof AuthenticationError || TOKEN_ERRORS.has(name)) {
        logger.warn(
          {
            reason: String((error as Error).message).slice(0, 200),
            channelId: activity.channelId,
            type: activity.type,
          },
          'refused a Teams activity: its token does not verify',
        );
        res.status(401).json({ error: 'Unauthorized.' });
        return;
      }
      throw error;
    }
  }
}

/** As botbuilder reads an activity: its time stamps as dates (the raw text kept alongside). */
function withDates(activity: Activity): Activity {
  const raw = activity as unknown as Record<string, unknown>;
  for (const [field, keep] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    if (typeof raw[field] === 'string') {
      raw[keep] = raw[field];
      raw[field] = new Date(raw[field]);
    }
  }
  return activity;
}
