/** Shared by the contract tests: a contract builder, in-memory ports, and a completed triage dialogue. */
import { type Contract, ContractSchema } from '../../../src/core/contracts/contract.js';
import type { ContractRepository } from '../../../src/core/contracts/ports.js';
import type {
  Clock,
  DialogueRepository,
  Locker,
  PackRepository,
  SettingsRepository,
  TenantSettings,
} from '../../../src/core/ports.js';
import type { Dialogue } from '../../../src/core/triage/dialogue.js';
import type { Pack } from '../../../src/core/triage/pack-schema.js';
import type { Answers } from '../../../src/core/triage/types.js';
import type { UserRef } from '../../../src/core/view.js';

export const OWNER: UserRef = { id: 'U0OWNER1', name: 'Olu Owner' };
export const SRO: UserRef = { id: 'U0SRO001', name: 'Sam Senior' };
export const CLERK: UserRef = { id: 'U0CLERK1', name: 'Cleo Clerk' };

/** A valid UK contract over £5m (so the CPN duty applies), 1 Apr 2026 to 31 Mar 2029, managed from London. */
export function makeContract(overrides: Partial<Contract> = {}): Contract {
  const contract: Contract = {
    v: 1,
    id: 'C-7K2M9Q',
    tenant: 'slack_T1',
    platform: 'slack',
    title: 'Housing benefit claim risk scoring',
    supplier: 'Acme Analytics Ltd',
    value: { amount: 6_200_000, currency: 'GBP' },
    start: '2026-04-01',
    end: '2029-03-31',
    owner: OWNER,
    sro: SRO,
    jurisdiction: 'UK',
    timeZone: 'Europe/London',
    channel: 'C0PROCURE',
    kpis: [
      kpi('K1', 'Service availability', { months: 1 }, true),
      kpi('K3', 'Task accuracy or quality', { months: 3 }, true),
      kpi('K12', 'Incident notification', { months: 3 }, true),
    ],
    cpnDuty: true,
    trackedFrom: '2026-04-01',
    results: [],
    breaches: [],
    snoozes: {},
    snoozeLog: [],
    createdBy: CLERK,
    createdAt: '2026-04-01T08:00:00.000Z',
    updatedAt: '2026-04-01T08:00:00.000Z',
    ...overrides,
  };
  return ContractSchema.parse(contract);
}

export function kpi(
  id: string,
  title: string,
  cadence: Contract['kpis'][number]['cadence'],
  material = false,
): Contract['kpis'][number] {
  return { id, title, measure: `${title} measure`, target: `${title} target`, cadence, material };
}

/** Contract records kept as JSON and validated on read, as the store does. */
export class MemoryContracts implements ContractRepository {
  readonly saved: string[] = [];
  private readonly records = new Map<string, string>();
  /** Milliseconds each call waits, so unserialised read-modify-write cycles would interleave. */
  constructor(private readonly delayMs = 0) {}

  async get(tenant: string, id: string) {
    await this.pause();
    const json = this.records.get(`${tenant}/${id}`);
    return json === undefined ? undefined : ContractSchema.parse(JSON.parse(json));
  }
  async save(contract: Contract) {
    await this.pause();
    this.saved.push(contract.id);
    this.records.set(`${contract.tenant}/${contract.id}`, JSON.stringify(ContractSchema.parse(contract)));
  }
  async listByTenant(tenant: string) {
    await this.pause();
    return [...this.records.entries()]
      .filter(([key]) => key.startsWith(`${tenant}/`))
      .map(([, json]) => ContractSchema.parse(JSON.parse(json)));
  }
  async listByChannel(tenant: string, channel: string) {
    return (await this.listByTenant(tenant)).filter((c) => c.channel === channel);
  }
  async remove(contract: Pick<Contract, 'tenant' | 'id'>) {
    this.records.delete(`${contract.tenant}/${contract.id}`);
  }
  private pause() {
    return new Promise((resolve) => setTimeout(resolve, this.delayMs));
  }
}

export class MemoryDialogues implements DialogueRepository {
  private readonly records = new Map<string, Dialogue>();
  async get(tenant: string, id: string) {
    return this.records.get(`${tenant}/${id}`);
  }
  async save(dialogue: Dialogue) {
    this.records.set(`${dialogue.tenant}/${dialogue.id}`, structuredClone(dialogue));
  }
  async remove(tenant: string, id: string) {
    this.records.delete(`${tenant}/${id}`);
  }
}

export class MemorySettings implements SettingsRepository {
  private readonly records = new Map<string, TenantSettings>();
  async get(tenant: string) {
    return this.records.get(tenant) ?? {};
  }
  async update(tenant: string, patch: TenantSettings) {
    const next = { ...(await this.get(tenant)), ...patch };
    this.records.set(tenant, next);
    return next;
  }
}

export class MemoryPacks implements PackRepository {
  constructor(private readonly pack: Pack) {}
  current() {
    return this.pack;
  }
  async byHash(hash: string) {
    return hash === this.pack.hash ? this.pack : undefined;
  }
  async remember() {}
}

/** A per-key queue, like the store's locker within one process. */
export class QueueLocker implements Locker {
  private readonly tails = new Map<string, Promise<unknown>>();
  readonly keys: string[] = [];
  async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    this.keys.push(key);
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    this.tails.set(
      key,
      run.catch(() => undefined),
    );
    return run;
  }
}

export class FixedClock implements Clock {
  constructor(public instant: Date) {}
  now() {
    return new Date(this.instant);
  }
}

/** A triage dialogue that ran to the end with `answers`. */
export function completedDialogue(
  pack: Pack,
  input: { title: string; answers: Answers },
  overrides: Partial<Dialogue> = {},
): Dialogue {
  const at = '2026-03-20T10:00:00.000Z';
  return {
    v: 1,
    id: 'dlg-benefits',
    tenant: 'slack_T1',
    platform: 'slack',
    title: input.title,
    startedBy: CLERK,
    startedAt: at,
    pack: { id: pack.id, version: pack.version, hash: pack.hash },
    channel: 'C0TRIAGE',
    answers: Object.fromEntries(Object.entries(input.answers).map(([id, value]) => [id, { value, by: CLERK, at }])),
    order: Object.keys(input.answers),
    current: null,
    step: Object.keys(input.answers).length,
    status: 'complete',
    completedAt: at,
    events: [{ at, by: CLERK, type: 'started' }],
    ...overrides,
  };
}

/** Every string in a JSON value, for checks that no markup leaked into a view. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}
