import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { renderMessage } from '../render/blocks.js';
import { slackActor, slackTenant } from '../tenant.js';

type Args = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/** Home tab blocks: Slack allows 100; the home view is far smaller, and is cut there to be sure. */
const HOME_BLOCKS = 100;

/**
 * The App Home tab: whoever opens it sees their own items (checklist, KPI reviews), overdue first, then their
 * procurements and contracts. Drawn afresh on every opening, from the store; the Messages tab is left alone.
 */
export function registerHome(app: App, deps: SlackDeps) {
  app.event('app_home_opened', async ({ event, client, context }: Args) => {
    if (event.tab !== 'home') return;
    const tenant = slackTenant(context);
    const by = slackActor(deps, client, context, { id: event.user });
    try {
      const { blocks } = renderMessage(await deps.home.view(tenant, by));
      await client.views.publish({
        user_id: event.user,
        view: { type: 'home', blocks: blocks.slice(0, HOME_BLOCKS) as never },
      });
    } catch (error) {
      deps.logger.warn({ err: error, tenant }, 'could not draw the App Home');
    }
  });
}
