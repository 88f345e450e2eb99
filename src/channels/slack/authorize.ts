import type { Authorize, AuthorizeSourceData } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from '../../log.js';
import { installationTenant } from './installation-store.js';

interface Identity {
  botId?: string;
  botUserId?: string;
  /** The tenant the token belongs to: its workspace, or its org for an org-wide token. */
  tenant: string;
}

/**
 * Where the bot's Web API clients come from: one token (an internal app for one workspace), or each workspace's
 * installation (OAuth). Requests, listeners and scheduled digests all ask here, so every call acts with the token of
 * the workspace it acts for.
 */
export interface SlackTokens {
  authorize: Authorize<boolean>;
  /** A client for posting to `tenant` without a request (the scheduler). */
  clientFor(tenant: string): Promise<WebClient>;
}

/**
 * One bot token, with its identity (bot ids and workspace) from `auth.test`, fetched once and cached. A failed
 * `auth.test` (Slack unreachable at boot) does not crash the process: it is logged and tried again on the next
 * request. A request signed by Slack for another workspace (the same app installed elsewhere) is refused: this
 * token acts for its own workspace only, so another workspace must never reach it or its records.
 */
export function singleTokenAuth(token: string, clientOptions: WebClientOptions, logger: Logger): SlackTokens {
  const client = new WebClient(token, clientOptions);
  let identity: Promise<Identity> | undefined;
  const load = () => {
    identity ??= client.auth.test().then(
      (result) => ({
        botId: result.bot_id,
        botUserId: result.user_id,
        tenant: installationTenant({
          isEnterpriseInstall: result.is_enterprise_install === true,
          enterpriseId: result.enterprise_id,
          teamId: result.team_id,
        }),
      }),
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
  const check = async (tenant: string) => {
    const own = await load();
    if (own.tenant !== tenant) {
      throw new Error(`this bot token acts for ${own.tenant}, not ${tenant}: refused`);
    }
    return own;
  };
  return {
    authorize: async (source: AuthorizeSourceData<boolean>) => {
      const own = await check(sourceTenant(source, (await load()).tenant));
      return { botToken: token, botId: own.botId, botUserId: own.botUserId };
    },
    clientFor: async (tenant) => {
      await check(tenant);
      return client;
    },
  };
}

/**
 * A request's tenant as Slack names it. A workspace of an org whose token is org-wide (an org install) counts as
 * the org.
 */
function sourceTenant(source: AuthorizeSourceData<boolean>, own: string): string {
  if (source.enterpriseId && own === `slack_${source.enterpriseId}`) return own;
  return installationTenant({
    isEnterpriseInstall: source.isEnterpriseInstall,
    enterpriseId: source.enterpriseId,
    teamId: source.teamId,
  });
}

/** OAuth: Bolt's installer authorises each request (refreshing rotated tokens); the scheduler asks it too. */
export function installationAuth(
  installer: { authorize: Authorize<boolean> },
  clientOptions: WebClientOptions,
): SlackTokens {
  const clients = new Map<string, WebClient>();
  return {
    authorize: (source) => installer.authorize(source),
    clientFor: async (tenant) => {
      const id = tenant.replace(/^slack_/, '');
      const org = id.startsWith('E');
      const result = await installer.authorize({
        isEnterpriseInstall: org,
        enterpriseId: org ? id : undefined,
        teamId: org ? undefined : id,
      } as AuthorizeSourceData<boolean>);
      if (!result.botToken) throw new Error(`no bot token for ${tenant}`);
      let client = clients.get(result.botToken);
      if (!client) {
        client = new WebClient(result.botToken, clientOptions);
        if (clients.size > 1000) clients.clear();
        clients.set(result.botToken, client);
      }
      return client;
    },
  };
}
