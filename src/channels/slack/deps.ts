import type { AccessService } from '../../core/access/access.js';
import type { ContractService } from '../../core/contracts/service.js';
import type { HistoryService } from '../../core/history/service.js';
import type { CommandServices } from '../../core/run-command.js';
import type { SettingsService } from '../../core/settings.js';
import type { TriageService } from '../../core/triage/service.js';
import type { Logger } from '../../log.js';
import type { InFlight } from '../../ops/in-flight.js';
import type { Deduper } from '../../store/dedupe.js';
import type { Pacer } from '../../store/pacer.js';
import { claimFirstDelivery } from '../first-delivery.js';
import type { SlackPeople } from './people.js';

/** What the Slack listeners need from the rest of the service. */
export interface SlackDeps extends CommandServices {
  logger: Logger;
  /** Work a shutdown waits for. */
  inFlight: InFlight;
  triage: TriageService;
  contracts: ContractService;
  history: HistoryService;
  settings: SettingsService;
  access: AccessService;
  deduper: Deduper;
  pacer: Pacer;
  people: SlackPeople;
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
  if (deliveryId && !(await claimFirstDelivery(deps, tenant, deliveryId))) return;
  await work();
}
