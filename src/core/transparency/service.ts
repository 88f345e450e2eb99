import type { AccessService } from '../access/access.js';
import type { Actor } from '../access/roles.js';
import { localDateOf } from '../calendar.js';
import type { ContractRepository } from '../contracts/ports.js';
import { NotFoundError } from '../errors.js';
import type { Clock, DialogueRepository, PackRepository } from '../ports.js';
import type { ProcurementRepository } from '../procurement/ports.js';
import { dialogueOutcome, packOf } from '../triage/dialogue.js';
import { atrsDraft } from './atrs.js';
import { type Draft, type DraftKind, draftMarkdown } from './draft.js';
import { euDbDraft } from './eu-db.js';
import type { Facts } from './facts.js';
import { nlRegisterDraft } from './nl-register.js';
import { usInventoryDraft } from './us-inventory.js';

export interface TransparencyDeps {
  procurements: ProcurementRepository;
  dialogues: DialogueRepository;
  packs: PackRepository;
  contracts: ContractRepository;
  access: AccessService;
  clock: Clock;
  /** Checks a draft against the register's official field list; absent, drafts say they were not validated. */
  validate?: (draft: Draft) => NonNullable<Draft['validation']>;
  /** Why there is no validator (the conformance folder is not on this machine). */
  notValidated?: string;
}

const BUILDERS: Record<DraftKind, (facts: Facts) => Draft> = {
  atrs: atrsDraft,
  'us-inventory': usInventoryDraft,
  'nl-register': nlRegisterDraft,
  'eu-db': euDbDraft,
};

/**
 * Transparency records drafted from a procurement and its contract: every field the bot can fill, a to-do for each
 * it cannot, checked against the register's own field list before it is offered. For the procurement team.
 */
export class TransparencyService {
  constructor(private readonly deps: TransparencyDeps) {}

  async draft(tenant: string, by: Actor | undefined, kind: DraftKind, id: string): Promise<Draft> {
    if (by) await this.deps.access.require(tenant, by, 'publish');
    const procurement = await this.deps.procurements.get(tenant, id);
    if (!procurement) throw new NotFoundError(`There is no procurement ${id}.`);
    const dialogue = await this.deps.dialogues.get(tenant, procurement.dialogueId);
    if (!dialogue) throw new NotFoundError(`The triage of ${id} no longer exists.`);
    const pack = await packOf(this.deps.packs, dialogue);
    const contract = procurement.contractId ? await this.deps.contracts.get(tenant, procurement.contractId) : undefined;
    const facts: Facts = {
      procurement,
      dialogue,
      outcome: dialogueOutcome(pack, dialogue),
      pack,
      ...(contract ? { contract } : {}),
      today: localDateOf(this.deps.clock.now(), procurement.timeZone),
    };
    const draft = { ...BUILDERS[kind](facts), procurementId: procurement.id };
    draft.validation = this.deps.validate
      ? this.deps.validate(draft)
      : { ok: false, problems: [], skipped: this.deps.notValidated ?? 'no official field list was loaded' };
    return draft;
  }

  async file(
    tenant: string,
    by: Actor,
    kind: DraftKind,
    id: string,
  ): Promise<{ filename: string; title: string; content: string }> {
    const draft = await this.draft(tenant, by, kind, id);
    return {
      filename: `${kind}-${id}-draft.md`,
      title: `${kind} draft: ${draft.title}`,
      content: draftMarkdown(draft),
    };
  }
}
