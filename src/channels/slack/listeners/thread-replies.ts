import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { noticeView } from '../../../core/triage/views.js';
import { showFailure } from '../../failures.js';
import { onFirstDelivery, type SlackDeps } from '../deps.js';
import { SlackSurface } from '../surface.js';
import { slackActor, slackTenant } from '../tenant.js';

type Args = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

/**
 * Replies typed in a triage thread answer the current free-text question, or add a consequence to the thread's open
 * consequence scan; other chat is left alone.
 */
export function registerThreadReplies(app: App, deps: SlackDeps) {
  app.event('message', async ({ event, body, client, context }: Args) => {
    if (event.subtype !== undefined || !('thread_ts' in event) || !event.thread_ts || !('user' in event)) return;
    if ('bot_id' in event && event.bot_id) return;
    const threadTs = event.thread_ts;
    const user = event.user;
    const text = 'text' in event && typeof event.text === 'string' ? event.text : '';
    if (!user || threadTs === event.ts) return;
    const tenant = slackTenant(context);
    const team = (event as { user_team?: unknown }).user_team;
    const by = slackActor(deps, client, context, { id: user, team_id: typeof team === 'string' ? team : undefined });
    const surface = new SlackSurface(client, { channel: event.channel, threadTs });
    await onFirstDelivery(deps, tenant, body.event_id, async () => {
      try {
        const root = { channel: event.channel, id: threadTs };
        const answered = await deps.triage.answerFromThread({ tenant, by, surface, root, text });
        // Not a triage question: in a procurement's thread with a scan open, the reply is a consequence.
        if (!answered) await deps.scans.addFromThread({ tenant, by, surface, root, text });
      } catch (error) {
        await showFailure(error, deps.logger, (message) => surface.notifyUser(by, noticeView(message)));
      }
    });
  });
}
