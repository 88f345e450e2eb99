import type { TriageService } from '../../core/triage/service.js';
import type { Logger } from '../../log.js';
import type { KeyvConversationReferenceRepository } from '../../store/conversation-reference-repository.js';
import type { Deduper } from '../../store/dedupe.js';

export interface TeamsDeps {
  logger: Logger;
  triage: TriageService;
  deduper: Deduper;
  references: KeyvConversationReferenceRepository;
}
