import type { Context } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../core/access/roles.js';
import type { SlackDeps } from './deps.js';

/**
 * The tenant of a Slack request, from what Bolt authorised (the signed request and its installation or token):
 * the Enterprise Grid org for org-wide installs, otherwise the workspace. Every stored key lives under it, so one
 * workspace can never read another's triages.
 */
export function slackTenant(context: Context): string {
  const id = context.isEnterpriseInstall && context.enterpriseId ? context.enterpriseId : context.teamId;
  if (!id) throw new Error('Slack request without a team or enterprise id');
  return `slack_${id}`;
}

/**
 * The person acting. Someone from another organisation (a Slack Connect channel shares the bot's messages) is a
 * guest here, whatever their own workspace says of them.
 */
export function slackActor(
  deps: Pick<SlackDeps, 'people'>,
  client: WebClient,
  context: Context,
  user: { id: string; name?: string; team_id?: string },
): Actor {
  const tenant = slackTenant(context);
  const external = Boolean(
    user.team_id && context.teamId && user.team_id !== context.teamId && !context.isEnterpriseInstall,
  );
  const actor = deps.people.actor(client, tenant, { id: user.id, ...(user.name ? { name: user.name } : {}) });
  if (!external) return actor;
  return { ...actor, facts: async () => ({ admin: false, guest: true }) };
}
