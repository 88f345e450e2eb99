import type { ContractService } from '../../core/contracts/service.js';
import type { SettingsService } from '../../core/settings.js';
import type { TriageService } from '../../core/triage/service.js';
import type { Logger } from '../../log.js';
import type { Deduper } from '../../store/dedupe.js';
import type { Pacer } from '../../store/pacer.js';

/** What the Slack listeners need from the rest of the service. */
export interface SlackDeps {
  logger: Logger;
  triage: TriageService;
  contracts: ContractService;
  settings: SettingsService;
  deduper: Deduper;
  pacer: Pacer;
  command: string;
  ocdsPrefix: string;
}

export const slackCommandStyle = (command: string) => ({
  prefix: command,
  configChannel: 'config channel #channel',
  configWhat: 'set the procurement channel that receives summaries and reminders',
});

/** Runs `work` only for the first delivery of `deliveryId`. If the store cannot say, process rather than drop. */
export async function onFirstDelivery(
  deps: SlackDeps,
  tenant: string,
  deliveryId: string | undefined,
  work: () => Promise<void>,
): Promise<void> {
  if (deliveryId) {
    let first = true;
    try {
      first = await deps.deduper.isFirstDelivery(tenant, deliveryId);
    } catch (error) {
      deps.logger.warn({ err: error, deliveryId }, 'dedupe check failed; processing anyway');
    }
    if (!first) {
      deps.logger.info({ deliveryId, tenant }, 'duplicate delivery skipped');
      return;
    }
  }
  await work();
}
