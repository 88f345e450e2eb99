import type { AccessService } from '../access/access.js';
import type { Actor } from '../access/roles.js';
import { BadInputError } from '../errors.js';
import type { View } from '../view.js';
import { HistoryActions, HistoryPayloadSchema, isHistoryAction } from './actions.js';
import type { HistoryEvent } from './event.js';
import type { HistoryRepository } from './ports.js';
import { markdownHeader, markdownRow } from './report.js';
import { verifyHistory } from './verify.js';
import { historyView } from './views.js';

const SHOWN = 20;
const BATCH = 500;

export interface HistoryFile {
  filename: string;
  title: string;
  content: string;
}

/** A record's history in chat: its latest events for anyone who may read it, the whole of it for admins. */
/** Deletes a record after asking (the lifecycle); the history buttons lead there. */
export interface RecordDeleter {
  askDelete(tenant: string, by: Actor, kind: 'dialogue' | 'contract' | 'lesson', id: string): Promise<View>;
  delete(tenant: string, by: Actor, kind: 'dialogue' | 'contract' | 'lesson', id: string): Promise<View>;
}

export class HistoryService {
  constructor(
    private readonly deps: { repository: HistoryRepository; access: AccessService; deleter?: RecordDeleter },
  ) {}

  /** "Delete…" and "Delete for good" on a record's history. */
  async deleteRecord(tenant: string, by: Actor, record: string, confirmed: boolean): Promise<View> {
    const [kind, id] = record.split(':') as ['dialogue' | 'contract' | 'lesson' | 'procurement', string];
    if (kind === 'procurement') {
      throw new BadInputError('A procurement goes with its triage: delete the triage, and its checklist goes too.');
    }
    const deleter = this.deps.deleter;
    if (!deleter) throw new BadInputError('Deleting records is not available here.');
    return confirmed ? deleter.delete(tenant, by, kind, id) : deleter.askDelete(tenant, by, kind, id);
  }

  async show(tenant: string, by: Actor, record: string): Promise<View> {
    await this.deps.access.require(tenant, by, 'read');
    const head = await this.deps.repository.head(tenant, record);
    const total = head?.seq ?? 0;
    const events = total
      ? await this.deps.repository.events(tenant, record, Math.max(1, total - SHOWN + 1), total)
      : [];
    return historyView(record, events, total);
  }

  /** The whole history as Markdown, with the result of verifying it, for an admin to hand on. */
  async export(tenant: string, by: Actor, record: string): Promise<HistoryFile> {
    await this.deps.access.require(tenant, by, 'audit');
    const head = await this.deps.repository.head(tenant, record);
    const rows: string[] = [];
    for (let from = 1; from <= (head?.seq ?? 0); from += BATCH) {
      const events: HistoryEvent[] = await this.deps.repository.events(
        tenant,
        record,
        from,
        Math.min(head?.seq ?? 0, from + BATCH - 1),
      );
      rows.push(...events.map(markdownRow));
    }
    const report = await verifyHistory(this.deps.repository, tenant, { record });
    const verdict = report.ok
      ? `Verified: every hash recomputed and every link checked. Tenant chain head: ${report.head}`
      : `DOES NOT VERIFY: ${report.problem}`;
    const name = record.replace(/[^A-Za-z0-9-]+/g, '-');
    return {
      filename: `history-${name}.md`,
      title: `History of ${record}`,
      content: `# History of ${record} (${tenant})\n\n${verdict}\n\n${markdownHeader(record)}\n${rows.join('\n')}\n`,
    };
  }
}

export type HistoryReply = { kind: 'view'; view: View } | { kind: 'file'; file: HistoryFile };

/** One mapping from a history button to the service, shared by Slack and Teams. Undefined: not ours. */
export async function dispatchHistoryAction(
  service: HistoryService,
  call: { tenant: string; by: Actor; actionId: string; payload: unknown },
): Promise<HistoryReply | undefined> {
  if (!isHistoryAction(call.actionId)) return undefined;
  const parsed = HistoryPayloadSchema.safeParse(call.payload);
  if (!parsed.success) throw new BadInputError('That button could not be read. Please use the latest message.');
  if (call.actionId === HistoryActions.delete || call.actionId === HistoryActions.deleteConfirm) {
    const confirmed = call.actionId === HistoryActions.deleteConfirm;
    return { kind: 'view', view: await service.deleteRecord(call.tenant, call.by, parsed.data.r, confirmed) };
  }
  if (call.actionId === HistoryActions.export) {
    return { kind: 'file', file: await service.export(call.tenant, call.by, parsed.data.r) };
  }
  return { kind: 'view', view: await service.show(call.tenant, call.by, parsed.data.r) };
}
