import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { TriageService } from '../../../core/triage/service.js';
import { helpView, noticeView, usageView } from '../../../core/triage/views.js';
import { showFailure } from '../../failures.js';
import { parseSlackCommand } from '../command-parser.js';
import { onFirstDelivery, type SlackDeps, slackCommandStyle } from '../deps.js';
import { renderMessage } from '../render/blocks.js';
import { SlackSurface } from '../surface.js';
import { slackTenant } from '../tenant.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/aiprocure`: replies that need no work go back in the ack itself; anything else acks first, then works. */
export function registerCommand(app: App, deps: SlackDeps) {
  const ephemeral = (view: Parameters<typeof renderMessage>[0]) => ({
    response_type: 'ephemeral' as const,
    ...renderMessage(view),
  });
  // The most frequent answer of all, rendered once.
  const help = ephemeral(helpView(slackCommandStyle(deps.command)));
  app.command(deps.command, async (args: Args) => {
    const { command, ack, respond, client, context, body } = args;
    const parsed = parseSlackCommand(command.text);

    if (parsed.kind === 'help') return ack(help);
    if (parsed.kind === 'usage') return ack(ephemeral(usageView(slackCommandStyle(deps.command), parsed.problem)));
    if (parsed.kind === 'triage') {
      try {
        TriageService.checkTitle(parsed.title);
      } catch (error) {
        return ack(
          ephemeral(usageView(slackCommandStyle(deps.command), error instanceof Error ? error.message : String(error))),
        );
      }
    }
    await ack();

    const tenant = slackTenant(context, body);
    const by = { id: command.user_id, name: command.user_name };
    const say = (text: string) => respond({ response_type: 'ephemeral', ...renderMessage(noticeView(text)) });
    await onFirstDelivery(deps, tenant, command.trigger_id, async () => {
      try {
        if (parsed.kind === 'config-channel') {
          await deps.triage.setProcurementChannel(tenant, parsed.channel, by);
          await respond({
            response_type: 'ephemeral',
            ...renderMessage(
              noticeView('Triage summaries will now be posted to ', { channel: { id: parsed.channel } }, '.'),
            ),
          });
          return;
        }
        if (parsed.kind === 'triage') {
          const surface = new SlackSurface(client, { channel: command.channel_id });
          await deps.triage.start({
            tenant,
            by,
            surface,
            platform: 'slack',
            channel: command.channel_id,
            title: parsed.title,
          });
        }
      } catch (error) {
        await showFailure(error, deps.logger, say);
      }
    });
  });
}
