import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { TriageService } from '../../../core/triage/service.js';
import { helpView, procurementWelcomeView, usageView } from '../../../core/triage/views.js';
import type { View } from '../../../core/view.js';
import { showFailure } from '../../failures.js';
import { parseSlackCommand } from '../command-parser.js';
import { onFirstDelivery, type SlackDeps, slackCommandStyle } from '../deps.js';
import { renderMessage } from '../render/blocks.js';
import { explainMembership, SlackSurface } from '../surface.js';
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
    const parsed = parseSlackCommand(command.text);

    if (parsed.kind === 'help') return ack(help);
    if (parsed.kind === 'usage') return ack(ephemeral(usageView(style, parsed.problem)));
    if (parsed.kind === 'triage') {
      try {
        TriageService.checkTitle(parsed.title);
      } catch (error) {
        return ack(ephemeral(usageView(style, error instanceof Error ? error.message : String(error))));
      }
    }
    await ack();

    const tenant = slackTenant(context, body);
    const by = { id: command.user_id, name: command.user_name };
    const reply = (view: View) => respond(ephemeral(view));
    await onFirstDelivery(deps, tenant, command.trigger_id, async () => {
      try {
        switch (parsed.kind) {
          case 'triage': {
            const surface = new SlackSurface(client, { channel: command.channel_id });
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
            // was not invited, before anything is saved.
            await client.chat
              .postMessage({ channel: parsed.channel, ...renderMessage(procurementWelcomeView(by)) })
              .catch(explainMembership);
            await reply(
              await deps.settings.setProcurementChannel(tenant, parsed.channel, by, await userTimeZone(client, by.id)),
            );
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
            await reply(await deps.contracts.due(tenant, undefined, `${deps.command} kpi`));
            return;
          case 'export': {
            const file = await deps.contracts.exportOcds(tenant, parsed.contractId, { ocidPrefix: deps.ocdsPrefix });
            await client.filesUploadV2({
              channel_id: command.channel_id,
              filename: file.filename,
              title: file.title,
              content: file.content,
            });
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
