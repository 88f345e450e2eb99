import { isValidTimeZone } from './contracts/calendar.js';
import type { Clock, SettingsRepository, TenantSettings } from './ports.js';
import { noticeView } from './triage/views.js';
import type { UserRef, View } from './view.js';

export const DEFAULT_TIME_ZONE = 'Europe/London';
export const DEFAULT_DIGEST_HOUR = 9;

/** A tenant's settings: where summaries and reminders go, and when the daily digest is posted. */
export class SettingsService {
  constructor(private readonly deps: { settings: SettingsRepository; clock: Clock }) {}

  get(tenant: string): Promise<TenantSettings> {
    return this.deps.settings.get(tenant);
  }

  /**
   * Makes `channel` the procurement channel. The first time, the configuring person's zone becomes the tenant's
   * (so the digest lands at 09:00 where they are) unless a zone was set explicitly.
   */
  async setProcurementChannel(tenant: string, channel: string, by: UserRef, timeZone?: string): Promise<View> {
    const current = await this.deps.settings.get(tenant);
    await this.deps.settings.update(tenant, {
      procurementChannel: channel,
      procurementChannelSetBy: by,
      procurementChannelSetAt: this.deps.clock.now().toISOString(),
      // The zone comes from the platform (a Slack profile, a Teams client); one Intl rejects would be stored and
      // then break date formatting for the tenant, so it is ignored.
      ...(current.timeZone || !timeZone || !isValidTimeZone(timeZone) ? {} : { timeZone }),
    });
    return noticeView(
      'Triage summaries and the daily reminder digest will now be posted to ',
      { channel: { id: channel } },
      '.',
    );
  }

  async setTimeZone(tenant: string, timeZone: string): Promise<View> {
    const settings = await this.deps.settings.update(tenant, { timeZone });
    return noticeView(`The daily reminder digest will be posted at ${hour(settings.digestHour)} in ${timeZone}.`);
  }

  async setDigestHour(tenant: string, digestHour: number): Promise<View> {
    const settings = await this.deps.settings.update(tenant, { digestHour });
    return noticeView(
      `The daily reminder digest will be posted at ${hour(digestHour)} in ${settings.timeZone ?? DEFAULT_TIME_ZONE}.`,
    );
  }
}

function hour(value = DEFAULT_DIGEST_HOUR): string {
  return `${String(value).padStart(2, '0')}:00`;
}
