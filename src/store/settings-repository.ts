import { z } from 'zod';
import type { SettingsRepository, TenantSettings } from '../core/ports.js';
import { UserRefSchema } from '../core/triage/dialogue.js';
import { type Records, tenantKey } from './records.js';

const SettingsSchema = z.object({
  procurementChannel: z.string().optional(),
  procurementChannelSetBy: UserRefSchema.optional(),
  procurementChannelSetAt: z.string().optional(),
  timeZone: z.string().optional(),
  digestHour: z.number().int().min(0).max(23).optional(),
  retentionYears: z.number().int().min(1).max(100).optional(),
  inactive: z.object({ since: z.string(), reason: z.string().max(200) }).optional(),
});

export class KeyvSettingsRepository implements SettingsRepository {
  constructor(private readonly records: Records) {}

  async get(tenant: string): Promise<TenantSettings> {
    return (await this.records.get(tenantKey(tenant, 'settings'), SettingsSchema)) ?? {};
  }

  /** Many tenants' settings in pages of one round trip each (the planner's round over every tenant). */
  async getMany(tenants: readonly string[]): Promise<TenantSettings[]> {
    const out: TenantSettings[] = [];
    for (let i = 0; i < tenants.length; i += 1000) {
      const page = tenants.slice(i, i + 1000);
      const found = await this.records.getMany(
        page.map((t) => tenantKey(t, 'settings')),
        SettingsSchema,
      );
      out.push(...found.map((s) => s ?? {}));
    }
    return out;
  }

  async update(tenant: string, patch: TenantSettings): Promise<TenantSettings> {
    const next: TenantSettings = { ...(await this.get(tenant)), ...patch };
    // A key patched to undefined is removed.
    for (const key of Object.keys(patch) as (keyof TenantSettings)[]) if (patch[key] === undefined) delete next[key];
    await this.records.set(tenantKey(tenant, 'settings'), SettingsSchema.parse(next));
    return next;
  }
}
