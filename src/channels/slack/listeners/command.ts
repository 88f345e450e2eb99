import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { checkCommand } from '../../../core/commands.js';
import { helpView, procurementWelcomeView, usageView } from '../../../core/triage/views.js';
import type { View } from '../../../core/view.js';
import { showFailure } from '../../failures.js';
import { parseSlackCommand } from '../command-parser.js';
import { onFirstDelivery, type SlackDeps, slackCommandStyle } from '../deps.js';
import { renderMessage } from '../render/blocks.js';
import { SlackSurface } from '../surface.js';
import { slackTenant } from '../tenant.js';
import { userTimeZone } from '../user-zone.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/aiprocure`: replies that need no work go back in the ack itself; anything else acks first, then works. */
export function registerCommand(app: App, deps: SlackDeps) {
  const style = slackCommandStyle(deps.command);
  const ephemeral = (view: View) => ({ response_type: 'ephemeral' as const, ...renderMessage(view) });
  // The most frequent answer of all, rendered once.
  const help = ephemeral(helpView(style));
  app.command(deps.command, async (args: Args) => {
    const { command, ack, respond, client, context, body } = args;
    const parsed = checkCommand(parseSlackCommand(command.text));

    if (parsed.kind === 'help') return ack(help);
    if (parsed.kind === 'usage') return ack(ephemeral(usageView(style, parsed.problem)));
    await ack();

    const tenant = slackTenant(context, body);
    const by = { id: command.user_id, name: command.user_name };
    const reply = (view: View) => respond(ephemeral(view));
    const surface = new SlackSurface(client, { channel: command.channel_id });
    await onFirstDelivery(deps, tenant, command.trigger_id, async () => {
      try {
        switch (parsed.kind) {
          case 'triage': {
            await deps.triage.start({
              tenant,
              by,
              surface,
              platform: 'slack',
              channel: command.channel_id,
              title: parsed.title,
            });
            return;
          }
          case 'config-channel': {
            // Say hello in the channel first: it tells its members, and fails (with a clear message) if the bot
            // was not invited, before anything is saved. The user's zone is looked up meanwhile (it never fails).
            const zone = userTimeZone(client, by.id);
            await surface.postRoot(parsed.channel, procurementWelcomeView(by));
            await reply(await deps.settings.setProcurementChannel(tenant, parsed.channel, by, await zone));
            return;
          }
          case 'config-timezone':
            await reply(await deps.settings.setTimeZone(tenant, parsed.timeZone));
            return;
          case 'config-hour':
            await reply(await deps.settings.setDigestHour(tenant, parsed.hour));
            return;
          case 'contracts':
            await reply(await deps.contracts.list(tenant));
            return;
          case 'kpi':
            await reply(await deps.contracts.due(tenant));
            return;
          case 'export': {
            const file = await deps.contracts.exportOcds(tenant, parsed.contractId, { ocidPrefix: deps.ocdsPrefix });
            await surface.uploadFile({ channel: command.channel_id }, file);
            return;
          }
        }
      } catch (error) {
        await showFailure(error, deps.logger, (text) =>
          reply({ fallback: text, blocks: [{ type: 'text', content: [text] }] }),
        );
      }
    });
  });
}
