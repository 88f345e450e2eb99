import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { z } from 'zod';
import { type Records, tenantKey } from '../../store/records.js';

/**
 * Slack installations (OAuth v2), one per workspace, or per Enterprise Grid org for an org-wide install, kept in the
 * store under that tenant so every replica authorises every workspace. Only the bot's credentials are kept: the app
 * asks for no user scopes. Uninstalling leaves a tombstone without tokens; the tenant's records stay.
 */
const Ref = z.object({ id: z.string().min(1).max(40), name: z.string().max(200).optional() }).strict();

const StoredSchema = z
  .object({
    team: Ref.optional(),
    enterprise: Ref.optional(),
    isEnterpriseInstall: z.boolean(),
    appId: z.string().max(40).optional(),
    enterpriseUrl: z.string().url().max(300).optional(),
    /** Who installed the app. */
    user: z.object({ id: z.string().min(1).max(40) }).strict(),
    bot: z
      .object({
        token: z.string().startsWith('xoxb-'),
        refreshToken: z.string().max(500).optional(),
        /** Epoch seconds. */
        expiresAt: z.number().int().optional(),
        scopes: z.array(z.string().max(100)).max(100),
        id: z.string().max(40),
        userId: z.string().max(40),
      })
      .strict()
      .optional(),
    installedAt: z.string(),
    /** Set by app_uninstalled or a revoked bot token; `bot` is gone then. */
    removed: z
      .object({ at: z.string(), reason: z.string().max(100) })
      .strict()
      .optional(),
  })
  .strict();
type Stored = z.infer<typeof StoredSchema>;

/** The tenant of an installation, or of a query for one: the org for org-wide installs, else the workspace. */
export function installationTenant(source: { isEnterpriseInstall?: boolean; enterpriseId?: string; teamId?: string }) {
  const id = source.isEnterpriseInstall ? source.enterpriseId : source.teamId;
  if (!id) throw new Error('an installation names neither its workspace nor its org');
  return `slack_${id}`;
}

export interface InstallationEvents {
  /** A new or refreshed installation: the installer is an admin of the tenant, and the tenant is active again. */
  installed(tenant: string, installer: { id: string }): Promise<void>;
}

export class KeyvInstallationStore implements InstallationStore {
  constructor(
    private readonly records: Records,
    private readonly events: InstallationEvents,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async storeInstallation<V extends 'v1' | 'v2'>(installation: Installation<V, boolean>): Promise<void> {
    const isEnterpriseInstall = installation.isEnterpriseInstall === true;
    const tenant = installationTenant({
      isEnterpriseInstall,
      enterpriseId: installation.enterprise?.id,
      teamId: installation.team?.id,
    });
    const bot = installation.bot;
    const stored: Stored = StoredSchema.parse({
      ...(installation.team ? { team: ref(installation.team) } : {}),
      ...(installation.enterprise ? { enterprise: ref(installation.enterprise) } : {}),
      isEnterpriseInstall,
      ...(installation.appId ? { appId: installation.appId } : {}),
      ...(installation.enterpriseUrl ? { enterpriseUrl: installation.enterpriseUrl } : {}),
      user: { id: installation.user.id },
      ...(bot
        ? {
            bot: {
              token: bot.token,
              ...(bot.refreshToken ? { refreshToken: bot.refreshToken } : {}),
              ...(bot.expiresAt ? { expiresAt: bot.expiresAt } : {}),
              scopes: bot.scopes,
              id: bot.id,
              userId: bot.userId,
            },
          }
        : {}),
      installedAt: this.now().toISOString(),
    });
    await this.records.set(key(tenant), stored);
    await this.events.installed(tenant, stored.user);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v2', boolean>> {
    const stored = await this.records.get(key(installationTenant(query)), StoredSchema);
    if (!stored?.bot || stored.removed) throw new Error('the app is not installed in that workspace');
    return {
      team: stored.team,
      enterprise: stored.enterprise,
      isEnterpriseInstall: stored.isEnterpriseInstall,
      appId: stored.appId,
      enterpriseUrl: stored.enterpriseUrl,
      authVersion: 'v2',
      tokenType: 'bot',
      user: { id: stored.user.id, token: undefined, scopes: undefined },
      bot: stored.bot,
    } as Installation<'v2', boolean>;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.markRemoved(installationTenant(query), 'deleted');
  }

  /**
   * The app was uninstalled, or its bot token revoked: forget the tokens, keep a tombstone. Slack does not always
   * say whether such an event concerns an org-wide install, so the org's installation is tried when the
   * workspace has none. Answers the tenant whose installation it was (undefined when there was none).
   */
  async markRemoved(tenant: string, reason: string, orgTenant?: string): Promise<string | undefined> {
    for (const candidate of [tenant, ...(orgTenant ? [orgTenant] : [])]) {
      const stored = await this.records.get(key(candidate), StoredSchema);
      if (!stored) continue;
      const { bot: _forgotten, ...rest } = stored;
      await this.records.set(key(candidate), { ...rest, removed: { at: this.now().toISOString(), reason } });
      return candidate;
    }
    return undefined;
  }
}

function ref(value: { id: string; name?: string }) {
  return value.name ? { id: value.id, name: value.name } : { id: value.id };
}

function key(tenant: string): string {
  return tenantKey(tenant, 'slack-installation');
}
