import { addDays, isValidTimeZone, localTimeOf } from '../core/calendar.js';
import type { SettingsRepository, TenantSettings } from '../core/ports.js';
import { DEFAULT_DIGEST_HOUR, DEFAULT_TIME_ZONE } from '../core/settings.js';
import type { Logger } from '../log.js';
import type { KeyvDigestRepository } from '../store/digest-repository.js';
import { type DigestOccurrence, occurrenceKey } from './types.js';

/** How long an undeliverable channel rests before the next attempt. */
export const DEAD_END_RETRY_MS = 24 * 3600 * 1000;

interface PlanDeps {
  digests: KeyvDigestRepository;
  settings: SettingsRepository;
  logger?: Logger;
}

/**
 * The digests owed at `now`: for each channel, the latest local date whose digest hour has passed in the tenant's
 * zone, unless that date (or a later one) was already sent. Keyed by local date, so a daylight-saving change can
 * neither move a digest by an hour nor make it fire twice, and a bot that was down owes each channel one digest.
 * A channel that has never had one (every planned date, even an empty one, is recorded) is new: it is owed
 * today's digest once the hour has come, never yesterday's, a day it was not there for.
 */
export async function dueOccurrences(now: Date, deps: PlanDeps): Promise<DigestOccurrence[]> {
  const scheduleByTenant = new Map<string, Promise<Schedule | undefined>>();
  const due: DigestOccurrence[] = [];
  const targets = await deps.digests.targets();
  await prefetchSettings(targets, scheduleByTenant, deps);
  const [lastSent, deadEnds] = await Promise.all([deps.digests.lastSentMany(targets), deps.digests.deadEnds(targets)]);
  const nowMs = now.getTime();
  const localByZone = new Map<string, ReturnType<typeof localTimeOf>>();
  for (const [i, target] of targets.entries()) {
    let schedule = scheduleByTenant.get(target.tenant);
    if (!schedule) {
      schedule = scheduleOf(target.tenant, deps);
      scheduleByTenant.set(target.tenant, schedule);
    }
    const resolved = await schedule;
    if (!resolved) continue;
    const { timeZone, digestHour } = resolved;
    // One Intl conversion per zone, not per channel: ten thousand tenants share a handful of zones.
    let local = localByZone.get(timeZone);
    if (!local) {
      local = localTimeOf(now, timeZone);
      localByZone.set(timeZone, local);
    }
    const date = local.hour >= digestHour ? local.date : addDays(local.date, -1);
    const last = lastSent[i];
    if (last && last >= date) continue;
    if (!last && date !== local.date) continue;
    // A channel the platform refused for good is not retried every minute: once a day, in case it was fixed.
    const deadEnd = deadEnds[i];
    if (deadEnd && nowMs - deadEnd.lastTriedAt < DEAD_END_RETRY_MS) continue;
    due.push({ ...target, date, key: occurrenceKey(target, date), timeZone, ...(deadEnd ? { deadEnd: true } : {}) });
  }
  return due;
}

/** Every tenant's settings in a few round trips, instead of one read per tenant in turn. */
async function prefetchSettings(
  targets: readonly { tenant: string }[],
  into: Map<string, Promise<Schedule | undefined>>,
  deps: PlanDeps,
): Promise<void> {
  if (!deps.settings.getMany) return;
  const tenants = [...new Set(targets.map((t) => t.tenant))];
  let all: TenantSettings[];
  try {
    all = await deps.settings.getMany(tenants);
  } catch {
    return; // one by one then, so one tenant's unreadable settings hold back only its own digests
  }
  tenants.forEach((tenant, i) => {
    into.set(tenant, Promise.resolve(scheduleFrom(tenant, all[i] ?? {}, deps)));
  });
}

interface Schedule {
  timeZone: string;
  digestHour: number;
}

/**
 * A tenant's digest zone and hour. One tenant's bad settings must not stop every other tenant's digests: a zone
 * Intl rejects falls back to the default (a digest at the wrong hour beats none), and a tenant whose settings
 * cannot be read is left for the next round. A tenant the app was removed from (uninstalled) is owed nothing.
 */
async function scheduleOf(tenant: string, deps: PlanDeps): Promise<Schedule | undefined> {
  try {
    return scheduleFrom(tenant, await deps.settings.get(tenant), deps);
  } catch (error) {
    deps.logger?.warn({ err: error, tenant }, 'could not read tenant settings; their digests wait a round');
    return undefined;
  }
}

function scheduleFrom(tenant: string, settings: TenantSettings, deps: PlanDeps): Schedule | undefined {
  const { timeZone, digestHour = DEFAULT_DIGEST_HOUR, inactive } = settings;
  if (inactive) return undefined;
  if (timeZone === undefined || isValidTimeZone(timeZone))
    return { timeZone: timeZone ?? DEFAULT_TIME_ZONE, digestHour };
  deps.logger?.warn({ tenant, timeZone }, `invalid digest time zone; planning in ${DEFAULT_TIME_ZONE}`);
  return { timeZone: DEFAULT_TIME_ZONE, digestHour };
}
