import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { checkCommand } from '../../../core/commands.js';
import { runCommand } from '../../../core/run-command.js';
import { helpView, usageView } from '../../../core/triage/views.js';
import type { View } from '../../../core/view.js';
import { showFailure } from '../../failures.js';
import { parseSlackCommand } from '../command-parser.js';
import { onFirstDelivery, type SlackDeps, slackCommandStyle } from '../deps.js';
import { renderMessage } from '../render/blocks.js';
import { renderModal } from '../render/modal.js';
import { SlackSurface } from '../surface.js';
import { slackActor, slackTenant } from '../tenant.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/aiprocure`: replies that need no work go back in the ack itself; anything else acks first, then works. */
export function registerCommand(app: App, deps: SlackDeps) {
  const style = slackCommandStyle(deps.command);
  const ephemeral = (view: View) => ({ response_type: 'ephemeral' as const, ...renderMessage(view) });
  // The most frequent answer of all, rendered once.
  const help = ephemeral(helpView(style));
  app.command(deps.command, async (args: Args) => {
    const { command, ack, respond, client, context } = args;
    const parsed = checkCommand(parseSlackCommand(command.text));

    if (parsed.kind === 'help') return ack(help);
    if (parsed.kind === 'usage') return ack(ephemeral(usageView(style, parsed.problem)));
    await ack();

    const tenant = slackTenant(context);
    const by = slackActor(deps, client, context, { id: command.user_id, name: command.user_name });
    const reply = (view: View) => respond(ephemeral(view));
    const surface = new SlackSurface(client, { channel: command.channel_id });
    await onFirstDelivery(deps, tenant, command.trigger_id, async () => {
      try {
        // The person's zone matters only to the first procurement channel (it becomes the tenant's).
        const timeZone =
          parsed.kind === 'config-channel' ? await deps.people.timeZone(client, tenant, by.id) : undefined;
        const answer = await runCommand(deps, parsed, {
          tenant,
          by,
          platform: 'slack',
          channel: command.channel_id,
          surface,
          timeZone,
        });
        if (answer.kind === 'view') await reply(answer.view);
        else if (answer.kind === 'form') {
          // A form opens as a modal on the command's own trigger (within Slack's 3 s).
          const metadata = JSON.stringify({ p: answer.form.submit.value, c: command.channel_id });
          await client.views.open({
            trigger_id: command.trigger_id,
            view: renderModal(answer.form, metadata) as never,
          });
        } else if (answer.kind === 'file') await surface.uploadFile({ channel: command.channel_id }, answer.file);
      } catch (error) {
        await showFailure(error, deps.logger, (text) =>
          reply({ fallback: text, blocks: [{ type: 'text', content: [text] }] }),
        );
      }
    });
  });
}
