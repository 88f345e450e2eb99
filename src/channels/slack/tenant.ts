import type { Context } from '@slack/bolt';

/**
 * The tenant of a Slack request: the Enterprise Grid org for org-wide installs, otherwise the workspace.
 * Every stored key lives under it, so one workspace can never read another's triages.
 */
export function slackTenant(context: Context, body?: unknown): string {
  const id =
    context.isEnterpriseInstall && context.enterpriseId ? context.enterpriseId : (context.teamId ?? teamFromBody(body));
  if (!id) throw new Error('Slack request without a team or enterprise id');
  return `slack_${id}`;
}

function teamFromBody(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { team_id?: unknown; team?: { id?: unknown } | null; user?: { team_id?: unknown } };
  const candidates = [b.team_id, b.team?.id, b.user?.team_id];
  return candidates.find((c): c is string => typeof c === 'string' && c.length > 0);
}
