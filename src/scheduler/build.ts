import type { LocalDate } from '../core/calendar.js';
import type { DigestRow } from '../core/contracts/digest.js';
import type { ContractService } from '../core/contracts/service.js';
import type { SettingsRepository } from '../core/ports.js';
import { DEFAULT_TIME_ZONE } from '../core/settings.js';
import type { View } from '../core/view.js';
import type { DigestOccurrence } from './types.js';

/** The digest an occurrence posts: its channel's open items on its local date, dates in the tenant's zone. */
export function digestBuilder(
  settings: Pick<SettingsRepository, 'get'>,
  contracts: ContractService,
  /** How the kpi command is typed where each platform's digests are read, e.g. Slack '/aiprocure kpi'. */
  kpiCommands: Record<DigestOccurrence['platform'], string>,
  /** The channel's procurements: their checklist items due within a week or overdue join the digest. */
  checklists?: {
    digestRows(tenant: string, channel: string, date: LocalDate): Promise<DigestRow[]>;
    openItemsOf(tenant: string, dialogueId: string): Promise<{ id: string; text: string }[]>;
  },
): (occurrence: DigestOccurrence) => Promise<View | undefined> {
  return async (occurrence) => {
    // The planner's zone; settings are read only for a job queued before occurrences carried it.
    const timeZone = occurrence.timeZone ?? (await settings.get(occurrence.tenant)).timeZone ?? DEFAULT_TIME_ZONE;
    const digest = await contracts.digestFor({
      tenant: occurrence.tenant,
      channel: occurrence.channel,
      date: occurrence.date,
      timeZone,
      kpiCommand: kpiCommands[occurrence.platform],
      extra: await checklists?.digestRows(occurrence.tenant, occurrence.channel, occurrence.date),
      openChecklist: async (contract) =>
        contract.triage && checklists ? checklists.openItemsOf(occurrence.tenant, contract.triage.dialogueId) : [],
    });
    return digest?.view;
  };
}
