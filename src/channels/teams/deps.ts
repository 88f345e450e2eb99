import type { ContractService } from '../../core/contracts/service.js';
import type { SettingsService } from '../../core/settings.js';
import type { TriageService } from '../../core/triage/service.js';
import type { Downloads } from '../../http/downloads.js';
import type { Logger } from '../../log.js';
import type { KeyvConversationReferenceRepository } from '../../store/conversation-reference-repository.js';
import type { Deduper } from '../../store/dedupe.js';
import type { Pacer } from '../../store/pacer.js';

export interface TeamsDeps {
  logger: Logger;
  triage: TriageService;
  contracts: ContractService;
  settings: SettingsService;
  deduper: Deduper;
  references: KeyvConversationReferenceRepository;
  pacer: Pacer;
  ocdsPrefix: string;
  downloads?: Downloads;
}
