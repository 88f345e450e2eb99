import type { AccessService } from '../access/access.js';
import type { Actor, RolesRepository } from '../access/roles.js';
import type { ContractRepository } from '../contracts/ports.js';
import type { HistoryEvent } from '../history/event.js';
import type { HistoryRepository } from '../history/ports.js';
import { verifyHistory } from '../history/verify.js';
import type { Clock, DialogueRepository, SettingsRepository } from '../ports.js';
import type { ProcurementRepository } from '../procurement/ports.js';
import type { Dialogue } from '../triage/dialogue.js';

const BATCH = 500;

/** Everything the bot keeps about one tenant, as one JSON document (the format is versioned by `format`). */
export interface TenantExport {
  format: 'aiprocure-tenant-export/1';
  tenant: string;
  exportedAt: string;
  settings: unknown;
  roles: unknown;
  contracts: unknown[];
  /** Procurements: each triage's checklist, consequence scans, clause asks and KPI proposals. */
  procurements?: unknown[];
  /** Lessons colleagues recorded. */
  lessons?: unknown[];
  /** The commons: lessons shared from here (as published), and the feeds subscribed to with what they brought. */
  commons?: { shared: unknown[]; subscriptions: unknown[] };
  /** Every triage the history knows of (triages from before the history began are not listed). */
  dialogues: Dialogue[];
  history: {
    verified: boolean;
    problem?: string;
    head?: string;
    records: Record<string, HistoryEvent[]>;
  };
}

export interface TenantExportDeps {
  settings: SettingsRepository;
  roles: RolesRepository;
  contracts: ContractRepository;
  dialogues: DialogueRepository;
  procurements?: ProcurementRepository;
  lessons?: { listByTenant(tenant: string): Promise<unknown[]> };
  commons?: { sharedOf(tenant: string): Promise<unknown[]>; subscriptionsOf(tenant: string): Promise<unknown[]> };
  history: HistoryRepository;
  access: AccessService;
  clock: Clock;
}

/** All of a tenant's data for its admins (`export all`) and for `npm run export`. */
export class TenantExporter {
  constructor(private readonly deps: TenantExportDeps) {}

  async forAdmin(tenant: string, by: Actor): Promise<{ filename: string; title: string; content: string }> {
    await this.deps.access.require(tenant, by, 'audit');
    const data = await this.collect(tenant);
    const day = data.exportedAt.slice(0, 10);
    return {
      filename: `aiprocure-export-${tenant}-${day}.json`,
      title: `All of the bot's records for this workspace, ${day}`,
      content: `${JSON.stringify(data, null, 2)}\n`,
    };
  }

  /** The document itself; callers check who may have it. */
  async collect(tenant: string): Promise<TenantExport> {
    const { deps } = this;
    const [settings, roles, contracts, procurements, lessons, shared, subscriptions, report] = await Promise.all([
      deps.settings.get(tenant),
      deps.roles.get(tenant),
      deps.contracts.listByTenant(tenant),
      deps.procurements?.listByTenant(tenant) ?? [],
      deps.lessons?.listByTenant(tenant) ?? [],
      deps.commons?.sharedOf(tenant) ?? [],
      deps.commons?.subscriptionsOf(tenant) ?? [],
      verifyHistory(deps.history, tenant),
    ]);
    const records: Record<string, HistoryEvent[]> = {};
    const chainHead = await deps.history.chainHead(tenant);
    const names = new Set<string>();
    for (let from = 1; from <= (chainHead?.n ?? 0); from += BATCH) {
      const entries = await deps.history.chain(tenant, from, Math.min(chainHead?.n ?? 0, from + BATCH - 1));
      for (const entry of entries) names.add(entry.record);
    }
    for (const name of names) {
      const head = await deps.history.head(tenant, name);
      const events: HistoryEvent[] = [];
      for (let from = 1; from <= (head?.seq ?? 0); from += BATCH) {
        events.push(...(await deps.history.events(tenant, name, from, Math.min(head?.seq ?? 0, from + BATCH - 1))));
      }
      records[name] = events;
    }
    const dialogues: Dialogue[] = [];
    for (const name of names) {
      if (!name.startsWith('dialogue:')) continue;
      const dialogue = await deps.dialogues.get(tenant, name.slice('dialogue:'.length));
      if (dialogue) dialogues.push(dialogue);
    }
    return {
      format: 'aiprocure-tenant-export/1',
      tenant,
      exportedAt: deps.clock.now().toISOString(),
      settings,
      roles,
      contracts,
      procurements,
      lessons,
      commons: { shared, subscriptions },
      dialogues,
      history: {
        verified: report.ok,
        ...(report.problem ? { problem: report.problem } : {}),
        ...(report.head ? { head: report.head } : {}),
        records,
      },
    };
  }
}
