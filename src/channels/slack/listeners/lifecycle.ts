import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { onFirstDelivery, type SlackDeps } from '../deps.js';
import type { KeyvInstallationStore } from '../installation-store.js';

/**
 * The app leaving a workspace: `app_uninstalled`, or `tokens_revoked` naming the bot. Its installation keeps a
 * tombstone without tokens, and the tenant is marked inactive, so nothing more is posted there (digests stop); its
 * records stay. Installing again brings it back. Bolt delivers these without authorising them (the token is gone).
 */
export function registerLifecycle(app: App, deps: SlackDeps, installations?: KeyvInstallationStore) {
  const remove = async (body: { team_id?: unknown; enterprise_id?: unknown; event_id?: unknown }, reason: string) => {
    const team = typeof body.team_id === 'string' ? body.team_id : undefined;
    const org = typeof body.enterprise_id === 'string' ? body.enterprise_id : undefined;
    const tenant = `slack_${team ?? org}`;
    if (!team && !org) return;
    const eventId = typeof body.event_id === 'string' ? body.event_id : undefined;
    await onFirstDelivery(deps, tenant, eventId, async () => {
      try {
        // Slack does not always say whether this concerns an org-wide install: the org's is tried when the
        // workspace has none.
        const removed = installations
          ? await installations.markRemoved(tenant, reason, org ? `slack_${org}` : undefined)
          : tenant;
        if (!removed) return;
        await deps.settings.markInactive(removed, reason);
        deps.logger.warn({ tenant: removed, reason }, 'Slack app removed from a workspace: posting there stops');
      } catch (error) {
        deps.logger.error({ err: error, tenant, reason }, 'could not record that the Slack app was removed');
      }
    });
  };

  app.event('app_uninstalled', async ({ body }: SlackEventMiddlewareArgs<'app_uninstalled'> & AllMiddlewareArgs) => {
    await remove(body, 'app_uninstalled');
  });

  app.event(
    'tokens_revoked',
    async ({ body, event }: SlackEventMiddlewareArgs<'tokens_revoked'> & AllMiddlewareArgs) => {
      // User tokens (which the bot never asks for) may be revoked without touching the bot.
      if ((event.tokens.bot ?? []).length === 0) return;
      await remove(body, 'tokens_revoked');
    },
  );
}
