import { addDays, localTimeOf } from '../core/contracts/calendar.js';
import type { SettingsRepository, TenantSettings } from '../core/ports.js';
import type { KeyvDigestRepository } from '../store/digest-repository.js';
import { DEFAULT_DIGEST_HOUR, DEFAULT_TIME_ZONE, type DigestOccurrence, occurrenceKey } from './types.js';

/**
 * The digests owed at `now`: for each channel, the latest local date whose digest hour has passed in the tenant's
 * zone, unless that date (or a later one) was already sent. Keyed by local date, so a daylight-saving change can
 * neither move a digest by an hour nor make it fire twice, and a bot that was down owes each channel one digest.
 * A channel that has never had one (every planned date, even an empty one, is recorded) is new: it is owed
 * today's digest once the hour has come, never yesterday's, a day it was not there for.
 */
export async function dueOccurrences(
  now: Date,
  deps: { digests: KeyvDigestRepository; settings: SettingsRepository },
): Promise<DigestOccurrence[]> {
  const settingsByTenant = new Map<string, Promise<TenantSettings>>();
  const due: DigestOccurrence[] = [];
  const targets = await deps.digests.targets();
  const lastSent = await deps.digests.lastSentMany(targets);
  for (const [i, target] of targets.entries()) {
    let settings = settingsByTenant.get(target.tenant);
    if (!settings) {
      settings = deps.settings.get(target.tenant);
      settingsByTenant.set(target.tenant, settings);
    }
    const { timeZone = DEFAULT_TIME_ZONE, digestHour = DEFAULT_DIGEST_HOUR } = await settings;
    const local = localTimeOf(now, timeZone);
    const date = local.hour >= digestHour ? local.date : addDays(local.date, -1);
    const last = lastSent[i];
    if (last && last >= date) continue;
    if (!last && date !== local.date) continue;
    due.push({ ...target, date, key: occurrenceKey(target, date) });
  }
  return due;
}
