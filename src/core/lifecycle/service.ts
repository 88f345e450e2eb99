import { z } from 'zod';
import type { AccessService } from '../access/access.js';
import type { Actor } from '../access/roles.js';
import type { ContractRepository } from '../contracts/ports.js';
import { NotFoundError } from '../errors.js';
import type { HistoryRepository } from '../history/ports.js';
import type { History, SystemActor } from '../history/recorder.js';
import type { Clock, DialogueRepository, DueIndex, Locker, RecordBirths, SettingsRepository } from '../ports.js';
import type { ProcurementRepository } from '../procurement/ports.js';
import type { Dialogue } from '../triage/dialogue.js';
import type { View } from '../view.js';
import { deletedView, deleteQuestionView, noun } from './views.js';

/** Kept this long after a contract ends or a triage completes, unless the tenant says otherwise. */
export const DEFAULT_RETENTION_YEARS = 7;
/** A triage nobody has touched for this long, never finished, is abandoned. */
export const ABANDONED_MS = 90 * 24 * 3600 * 1000;
/** Every record is looked at again within this, so a shorter retention set later takes effect within it. */
export const CHECK_AT_LEAST_EVERY_MS = 30 * 24 * 3600 * 1000;
const YEAR_MS = 365.25 * 24 * 3600 * 1000;

export type RecordKind = 'dialogue' | 'contract' | 'lesson';

const MemberSchema = z.tuple([z.enum(['dialogue', 'contract', 'lesson']), z.string(), z.string()]);
const memberOf = (kind: RecordKind, tenant: string, id: string) => JSON.stringify([kind, tenant, id]);

export interface LifecycleDeps {
  dialogues: DialogueRepository;
  contracts: ContractRepository;
  settings: SettingsRepository;
  history: History;
  historyRepository: HistoryRepository;
  retention: DueIndex;
  access: AccessService;
  locker: Locker;
  clock: Clock;
  /** A triage's procurement (its checklist and scans) goes with it, with a tombstone of its own. */
  procurements?: ProcurementRepository;
  /** Lessons: kept for the retention period after they were recorded; removing one takes it out of the commons. */
  lessons?: {
    get(tenant: string, id: string): Promise<{ happened: string; at: string } | undefined>;
    remove(tenant: string, id: string): Promise<void>;
  };
}

/**
 * Deletion and retention. An admin deletes a triage or a contract after a confirmation; the sweep deletes what has
 * outlived its retention. Either way the record and its indexes go, its reminders stop (a deleted contract is in no
 * channel's digest), and its history keeps a tombstone: a deletion event saying who and why, after the record's
 * earlier events blanked of actor and data (so no personal text stays) with their hashes and links intact.
 */
export class LifecycleService implements RecordBirths {
  constructor(private readonly deps: LifecycleDeps) {}

  /** A new record is tracked from the start: first looked at within 30 days. */
  async born(kind: RecordKind, tenant: string, id: string): Promise<void> {
    await this.deps.retention.schedule(memberOf(kind, tenant, id), this.now() + CHECK_AT_LEAST_EVERY_MS);
  }

  /** What a deletion would remove, and the button that does it (admins only). */
  async askDelete(tenant: string, by: Actor, kind: RecordKind, id: string): Promise<View> {
    await this.deps.access.require(tenant, by, 'delete');
    const found = await this.find(tenant, kind, id);
    if (!found) throw notFound(kind, id);
    return deleteQuestionView(kind, id, found.title);
  }

  async delete(tenant: string, by: Actor, kind: RecordKind, id: string): Promise<View> {
    await this.deps.access.require(tenant, by, 'delete');
    const title = await this.remove(tenant, kind, id, by, 'deleted by an admin');
    return deletedView(kind, id, title);
  }

  /** One round of the retention sweep: every record whose check is due. Resolves with how many were deleted. */
  async sweep(limit = 500): Promise<number> {
    const now = this.now();
    let deleted = 0;
    for (const { member } of await this.deps.retention.due(now, limit)) {
      const parsed = MemberSchema.safeParse(safeJson(member));
      if (!parsed.success) {
        await this.deps.retention.done(member);
        continue;
      }
      const [kind, tenant, id] = parsed.data;
      const expiresAt = await this.expiryOf(kind, tenant, id);
      if (expiresAt === undefined) {
        await this.deps.retention.done(member);
      } else if (expiresAt <= now) {
        await this.remove(tenant, kind, id, { system: 'retention' }, 'retention period over');
        deleted += 1;
      } else {
        await this.deps.retention.schedule(member, Math.min(expiresAt, now + CHECK_AT_LEAST_EVERY_MS));
      }
    }
    return deleted;
  }

  /** When a record's retention ends under the tenant's setting now; undefined when the record is gone. */
  private async expiryOf(kind: RecordKind, tenant: string, id: string): Promise<number | undefined> {
    const years = (await this.deps.settings.get(tenant)).retentionYears ?? DEFAULT_RETENTION_YEARS;
    if (kind === 'lesson') {
      const lesson = await this.deps.lessons?.get(tenant, id);
      return lesson && Date.parse(lesson.at) + years * YEAR_MS;
    }
    if (kind === 'contract') {
      const contract = await this.deps.contracts.get(tenant, id);
      return contract && Date.parse(`${contract.end}T00:00:00Z`) + years * YEAR_MS;
    }
    const dialogue = await this.deps.dialogues.get(tenant, id);
    if (!dialogue) return undefined;
    if (dialogue.status === 'open') return lastActivity(dialogue) + ABANDONED_MS;
    const own = Date.parse(dialogue.completedAt ?? dialogue.startedAt) + years * YEAR_MS;
    if (own > this.now()) return own;
    // A triage that led to a contract is kept as long as the contract is (looked up only once its own time is up).
    const contracts = (await this.deps.contracts.listByTenant(tenant)).filter((c) => c.triage?.dialogueId === id);
    return Math.max(own, ...contracts.map((c) => Date.parse(`${c.end}T00:00:00Z`) + years * YEAR_MS));
  }

  private async remove(
    tenant: string,
    kind: RecordKind,
    id: string,
    by: Actor | SystemActor,
    reason: string,
  ): Promise<string> {
    const record = `${kind}:${id}`;
    const title = await this.deps.locker.withLock(`t:${tenant}:${kind}:${id}`, async () => {
      const found = await this.find(tenant, kind, id);
      if (!found) throw notFound(kind, id);
      const event = await this.deps.history.record(tenant, record, by, DELETED[kind], { reason });
      // The tombstone: everything before the deletion loses its actor and data, keeping its hash and link.
      await this.deps.historyRepository.redact(tenant, record, 1, event.seq - 1);
      if (kind === 'contract') await this.deps.contracts.remove({ tenant, id, channel: found.channel });
      else if (kind === 'lesson') await this.deps.lessons?.remove(tenant, id);
      else {
        await this.removeProcurement(tenant, id, by, reason);
        await this.deps.dialogues.remove(tenant, id);
      }
      return found.title;
    });
    await this.deps.retention.done(memberOf(kind, tenant, id));
    return title;
  }

  private async removeProcurement(tenant: string, dialogueId: string, by: Actor | SystemActor, reason: string) {
    const p = await this.deps.procurements?.byDialogue(tenant, dialogueId);
    if (!p) return;
    const record = `procurement:${p.id}`;
    const event = await this.deps.history.record(tenant, record, by, 'procurement.deleted', { reason, dialogueId });
    await this.deps.historyRepository.redact(tenant, record, 1, event.seq - 1);
    await this.deps.procurements?.remove(p);
  }

  private async find(
    tenant: string,
    kind: RecordKind,
    id: string,
  ): Promise<{ title: string; channel: string } | undefined> {
    if (kind === 'lesson') {
      const lesson = await this.deps.lessons?.get(tenant, id);
      return lesson && { title: lesson.happened.slice(0, 60), channel: '' };
    }
    return kind === 'contract' ? this.deps.contracts.get(tenant, id) : this.deps.dialogues.get(tenant, id);
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }
}

const DELETED: Record<RecordKind, string> = {
  dialogue: 'triage.deleted',
  contract: 'contract.deleted',
  lesson: 'lesson.deleted',
};

function notFound(kind: RecordKind, id: string): NotFoundError {
  return new NotFoundError(`There is no ${noun(kind)} ${id}.`);
}

function lastActivity(dialogue: Dialogue): number {
  const last = dialogue.events.at(-1)?.at ?? dialogue.startedAt;
  return Date.parse(last);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
