import type { Authorize } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from '../../log.js';

/**
 * One bot token, with its identity (bot and bot user ids) from `auth.test`, fetched once and cached. Unlike Bolt's
 * built-in single-token mode, a failed `auth.test` (Slack unreachable at boot) does not crash the process: it is
 * logged and tried again on the next request.
 */
export function tokenAuthorize(token: string, clientOptions: WebClientOptions, logger: Logger): Authorize<boolean> {
  const client = new WebClient(token, clientOptions);
  let identity: Promise<{ botId?: string; botUserId?: string }> | undefined;
  const load = () => {
    identity ??= client.auth.test().then(
      (result) => ({ botId: result.bot_id, botUserId: result.user_id }),
      (error: unknown) => {
        identity = undefined;
        logger.error({ err: error }, 'Slack auth.test failed; will retry on the next request');
        throw error;
      },
    );
    return identity;
  };
  // Warm the cache at start so a bad token shows up in the log at once.
  load().catch(() => undefined);
  return async () => ({ botToken: token, ...(await load()) });
}
