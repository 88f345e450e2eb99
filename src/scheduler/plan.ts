import { addDays, localTimeOf } from '../core/contracts/calendar.js';
import type { SettingsRepository, TenantSettings } from '../core/ports.js';
import type { KeyvDigestRepository } from '../store/digest-repository.js';
import { DEFAULT_DIGEST_HOUR, DEFAULT_TIME_ZONE, type DigestOccurrence, occurrenceKey } from './types.js';

/**
 * The digests owed at `now`: for each channel, the latest local date whose digest hour has passed in the tenant's
 * zone, unless that date (or a later one) was already sent. Keyed by local date, so a daylight-saving change can
 * neither move a digest by an hour nor make it fire twice, and a bot that was down owes each channel one digest.
 */
export async function dueOccurrences(
  now: Date,
  deps: { digests: KeyvDigestRepository; settings: SettingsRepository },
): Promise<DigestOccurrence[]> {
  const settingsByTenant = new Map<string, Promise<TenantSettings>>();
  const due: DigestOccurrence[] = [];
  for (const target of await deps.digests.targets()) {
    let settings = settingsByTenant.get(target.tenant);
    if (!settings) {
      settings = deps.settings.get(target.tenant);
      settingsByTenant.set(target.tenant, settings);
    }
    const { timeZone = DEFAULT_TIME_ZONE, digestHour = DEFAULT_DIGEST_HOUR } = await settings;
    const local = localTimeOf(now, timeZone);
    const date = local.hour >= digestHour ? local.date : addDays(local.date, -1);
    const last = await deps.digests.lastSent(target);
    if (last && last >= date) continue;
    due.push({ ...target, date, key: occurrenceKey(target, date) });
  }
  return due;
}
