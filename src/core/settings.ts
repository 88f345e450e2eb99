import type { AccessService } from './access/access.js';
import { type Actor, person } from './access/roles.js';
import { isValidTimeZone } from './calendar.js';
import { type History, recordIds } from './history/recorder.js';
import type { Clock, ConversationSurface, DeliveryHealth, SettingsRepository, TenantSettings } from './ports.js';
import { noticeView, procurementMovedView, procurementWelcomeView } from './triage/views.js';
import type { View } from './view.js';

export const DEFAULT_TIME_ZONE = 'Europe/London';
export const DEFAULT_DIGEST_HOUR = 9;

export type DefaultChannels = Partial<Record<'slack' | 'teams', string>>;

/** The procurement channel in use: the tenant's choice, else the platform's configured default (the one rule). */
export function procurementChannelOf(
  settings: Pick<TenantSettings, 'procurementChannel'>,
  platform: 'slack' | 'teams',
  defaults?: DefaultChannels,
): string | undefined {
  return settings.procurementChannel ?? defaults?.[platform];
}

export interface SettingsDeps {
  settings: SettingsRepository;
  /** Every change of settings is an event there before it is saved. */
  history: History;
  access: AccessService;
  clock: Clock;
  /** Per platform (PROCUREMENT_CHANNEL is Slack's): the channel in use until a tenant chooses one. */
  defaultProcurementChannels?: Partial<Record<'slack' | 'teams', string>>;
  /** Which channels the reminders cannot reach (the scheduler's record), for `status`. */
  deliveries?: DeliveryHealth;
}

/** A tenant's settings: where summaries and reminders go, and when the daily digest is posted. Admins only. */
export class SettingsService {
  constructor(private readonly deps: SettingsDeps) {}

  get(tenant: string): Promise<TenantSettings> {
    return this.deps.settings.get(tenant);
  }

  /**
   * Makes `channel` the procurement channel. The bot says hello there first: that tells its members, and fails (with
   * a clear message) where the bot cannot post, before anything is saved. The old channel is told where its
   * summaries and reminders went, so a change is never silent. The first time, the configuring person's zone
   * becomes the tenant's (so the digest lands at 09:00 where they are) unless a zone was set explicitly.
   */
  async setProcurementChannel(input: {
    tenant: string;
    by: Actor;
    channel: string;
    timeZone?: string;
    surface: ConversationSurface;
    platform: 'slack' | 'teams';
  }): Promise<View> {
    const { tenant, by, channel, surface } = input;
    await this.deps.access.require(tenant, by, 'settings');
    const current = await this.deps.settings.get(tenant);
    if (current.procurementChannel === channel) {
      return noticeView('This is already the procurement channel: ', { channel: { id: channel } }, '.');
    }
    const previous = procurementChannelOf(current, input.platform, this.deps.defaultProcurementChannels);
    await surface.postToChannel(channel, procurementWelcomeView(by, previous));
    await this.deps.history.record(tenant, recordIds.settings, by, 'settings.channel', {
      channel,
      ...(previous ? { previous } : {}),
    });
    await this.deps.settings.update(tenant, {
      procurementChannel: channel,
      procurementChannelSetBy: person(by),
      procurementChannelSetAt: this.deps.clock.now().toISOString(),
      // The zone comes from the platform (a Slack profile, a Teams client); one Intl rejects would be stored and
      // then break date formatting for the tenant, so it is ignored.
      ...(current.timeZone || !input.timeZone || !isValidTimeZone(input.timeZone) ? {} : { timeZone: input.timeZone }),
    });
    let told = true;
    if (previous && previous !== channel) {
      told = await surface.postToChannel(previous, procurementMovedView(by, channel)).then(
        () => true,
        () => false,
      );
    }
    return noticeView(
      'Triage summaries and the daily reminder digest will now be posted to ',
      { channel: { id: channel } },
      told ? '.' : '. I could not post the news in the previous channel, so tell its members yourself.',
    );
  }

  async setTimeZone(tenant: string, by: Actor, timeZone: string): Promise<View> {
    await this.deps.access.require(tenant, by, 'settings');
    await this.deps.history.record(tenant, recordIds.settings, by, 'settings.timezone', { timeZone });
    const settings = await this.deps.settings.update(tenant, { timeZone });
    return noticeView(`The daily reminder digest will be posted at ${hour(settings.digestHour)} in ${timeZone}.`);
  }

  /** Records are kept this many years after a contract ends or a triage completes; abandoned triages 90 days. */
  async setRetention(tenant: string, by: Actor, years: number): Promise<View> {
    await this.deps.access.require(tenant, by, 'settings');
    await this.deps.history.record(tenant, recordIds.settings, by, 'settings.retention', { years });
    await this.deps.settings.update(tenant, { retentionYears: years });
    return noticeView(
      `Records will be kept ${years} ${years === 1 ? 'year' : 'years'} after a contract ends or a triage completes, then deleted; triages left unfinished go after 90 days. Each record is checked at least every 30 days.`,
    );
  }

  async setDigestHour(tenant: string, by: Actor, digestHour: number): Promise<View> {
    await this.deps.access.require(tenant, by, 'settings');
    await this.deps.history.record(tenant, recordIds.settings, by, 'settings.hour', { digestHour });
    const settings = await this.deps.settings.update(tenant, { digestHour });
    return noticeView(
      `The daily reminder digest will be posted at ${hour(digestHour)} in ${settings.timeZone ?? DEFAULT_TIME_ZONE}.`,
    );
  }

  /**
   * Where things go and whether they get there: the procurement channel, the digest's hour, and every channel the
   * reminders cannot reach, with what would fix it. Anyone may look: it names channels, not records.
   */
  async status(tenant: string, by: Actor, platform: 'slack' | 'teams'): Promise<View> {
    await this.deps.access.require(tenant, by, 'read');
    const [settings, undeliverable] = await Promise.all([
      this.deps.settings.get(tenant),
      this.deps.deliveries?.undeliverable(tenant) ?? [],
    ]);
    const channel = procurementChannelOf(settings, platform, this.deps.defaultProcurementChannels);
    const facts: View['blocks'] = [
      {
        type: 'facts',
        items: [
          { label: 'Procurement channel', value: channel ? [{ channel: { id: channel } }] : ['not set'] },
          {
            label: 'Daily digest',
            value: [`${hour(settings.digestHour)} in ${settings.timeZone ?? DEFAULT_TIME_ZONE}`],
          },
        ],
      },
    ];
    const mine = undeliverable.filter((target) => target.platform === platform);
    const reach: View['blocks'] =
      mine.length === 0
        ? [{ type: 'text', content: ['Reminders reach every channel they are meant for.'] }]
        : [
            {
              type: 'text',
              content: [
                { strong: `Reminders cannot reach ${mine.length === 1 ? 'one channel' : `${mine.length} channels`}:` },
              ],
            },
            {
              type: 'list',
              items: mine.map((target) => [
                { channel: { id: target.channel } },
                ` since ${target.since.slice(0, 10)}: ${target.advice}`,
              ]),
            },
            {
              type: 'context',
              content: ['Each is tried again once a day; the reminders stay owed until they are posted.'],
            },
          ];
    return {
      fallback:
        mine.length === 0
          ? 'Status: reminders reach every channel.'
          : `Status: reminders cannot reach ${mine.length} channel(s).`,
      heading: 'Status',
      blocks: [...facts, ...reach],
    };
  }

  /**
   * The app was removed from the tenant (Slack app_uninstalled, a revoked bot token): nothing is posted there any
   * more, and its records stay. Installing again makes it active.
   */
  async markInactive(tenant: string, reason: string, platform: 'slack' | 'teams' = 'slack'): Promise<void> {
    await this.deps.history.record(tenant, recordIds.settings, { system: platform }, 'settings.inactive', { reason });
    await this.deps.settings.update(tenant, { inactive: { since: this.deps.clock.now().toISOString(), reason } });
  }

  async markActive(tenant: string, platform: 'slack' | 'teams' = 'slack'): Promise<void> {
    const current = await this.deps.settings.get(tenant);
    if (!current.inactive) return;
    await this.deps.history.record(tenant, recordIds.settings, { system: platform }, 'settings.active');
    await this.deps.settings.update(tenant, { inactive: undefined });
  }
}

function hour(value = DEFAULT_DIGEST_HOUR): string {
  return `${String(value).padStart(2, '0')}:00`;
}
