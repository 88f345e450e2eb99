import type { ContractService } from '../core/contracts/service.js';
import type { SettingsRepository } from '../core/ports.js';
import { DEFAULT_TIME_ZONE } from '../core/settings.js';
import type { View } from '../core/view.js';
import type { DigestOccurrence } from './types.js';

/** The digest an occurrence posts: its channel's open items on its local date, dates in the tenant's zone. */
export function digestBuilder(
  settings: Pick<SettingsRepository, 'get'>,
  contracts: ContractService,
): (occurrence: DigestOccurrence) => Promise<View | undefined> {
  return async (occurrence) => {
    const { timeZone = DEFAULT_TIME_ZONE } = await settings.get(occurrence.tenant);
    const digest = await contracts.digestFor({
      tenant: occurrence.tenant,
      channel: occurrence.channel,
      date: occurrence.date,
      timeZone,
      // How the "kpi" command is typed where the digest is read.
      kpiCommand: occurrence.platform === 'slack' ? '/aiprocure kpi' : 'kpi',
    });
    return digest?.view;
  };
}
