import type { AccessService } from '../../core/access/access.js';
import type { ContractService } from '../../core/contracts/service.js';
import type { HistoryService } from '../../core/history/service.js';
import type { CommandServices } from '../../core/run-command.js';
import type { SettingsService } from '../../core/settings.js';
import type { TriageService } from '../../core/triage/service.js';
import type { Downloads } from '../../http/downloads.js';
import type { Logger } from '../../log.js';
import type { InFlight } from '../../ops/in-flight.js';
import type { KeyvConversationReferenceRepository } from '../../store/conversation-reference-repository.js';
import type { Deduper } from '../../store/dedupe.js';
import type { Pacer } from '../../store/pacer.js';
import type { TeamsPeople } from './people.js';

export interface TeamsDeps extends CommandServices {
  logger: Logger;
  /** Work a shutdown waits for. */
  inFlight: InFlight;
  triage: TriageService;
  contracts: ContractService;
  history: HistoryService;
  settings: SettingsService;
  access: AccessService;
  deduper: Deduper;
  references: KeyvConversationReferenceRepository;
  pacer: Pacer;
  people: TeamsPeople;
  ocdsPrefix: string;
  downloads?: Downloads;
}
