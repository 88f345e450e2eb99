import { type Actor, atLeast, person } from '../access/roles.js';
import { BadInputError, ForbiddenError } from '../errors.js';
import type { ConversationSurface } from '../ports.js';
import type { MessageRef } from '../triage/dialogue.js';
import { packOf } from '../triage/dialogue.js';
import { noticeView } from '../triage/views.js';
import { type Consequence, MAX_SCANS, type Procurement, type Scan } from './procurement.js';
import { applyClick, closeOutcome, consequenceText, openScan, type SortClick } from './scan.js';
import { consequenceView, scanLogView, scanView } from './scan-views.js';
import type { ProcurementService } from './service.js';
import { recordIdOf } from './views.js';

interface Call {
  tenant: string;
  by: Actor;
  surface: ConversationSurface;
}

/**
 * Consequence scans in a procurement's thread. Each change is saved under the procurement's lock with its event;
 * the thread's messages are posted and redrawn after. Scans run before award and again at renewal.
 */
export class ScanService {
  constructor(private readonly procurement: ProcurementService) {}

  private get deps() {
    return this.procurement.deps;
  }

  async open(input: Call & { id: string }): Promise<void> {
    await this.requireBuyer(input, 'Opening a consequence scan');
    const { p, scan } = await this.procurement.mutate(input.tenant, input.id, async (p) => {
      if (openScan(p)) throw new BadInputError(`A consequence scan is open already in ${p.id}’s thread.`);
      if (p.scans.length >= MAX_SCANS)
        throw new BadInputError(`${p.id} has had ${MAX_SCANS} scans, the most it keeps.`);
      const scan: Scan = {
        n: p.scans.length + 1,
        occasion: p.stage === 'pre-award' ? 'pre-award' : 'renewal',
        openedBy: person(input.by),
        openedAt: this.now(),
        consequences: [],
      };
      await this.deps.history.record(input.tenant, recordIdOf(p), input.by, 'procurement.scan.opened', {
        scan: scan.n,
        occasion: scan.occasion,
      });
      p.scans.push(scan);
      await this.procurement.save(p);
      return { p, scan };
    });
    const ref = await input.surface.postInThread(p.thread, scanView(p, scan), { key: `scan:${p.id}:${scan.n}` });
    await this.remember(input.tenant, p.id, (fresh) => {
      const s = fresh.scans.find((x) => x.n === scan.n);
      if (s && !s.message) s.message = ref;
    });
  }

  /**
   * A reply in a procurement's thread while a scan is open becomes a consequence. False when the thread has no
   * open scan (then the reply is ordinary chat, and the bot stays quiet).
   */
  async addFromThread(input: Call & { root: MessageRef; text: string }): Promise<boolean> {
    const found = await this.deps.procurements.byThread(input.tenant, input.root.channel, input.root.id);
    if (!found || !openScan(found)) return false;
    await this.add({ ...input, id: found.id });
    return true;
  }

  async add(input: Call & { id: string; text: string }): Promise<void> {
    await this.deps.access.require(input.tenant, input.by, 'scan');
    const checked = consequenceText(input.text);
    if ('error' in checked) {
      await input.surface.notifyUser(input.by, noticeView(checked.error));
      return;
    }
    const { p, c } = await this.procurement.mutate(input.tenant, input.id, async (p) => {
      const scan = openScan(p);
      if (!scan) throw new BadInputError('That scan is closed; run a new one to add more.');
      const c: Consequence = {
        id: `S${scan.n}-${scan.consequences.length + 1}`,
        text: checked.text,
        by: person(input.by),
        at: this.now(),
      };
      if (scan.consequences.length >= 100) throw new BadInputError('This scan has 100 consequences; close it first.');
      await this.deps.history.record(input.tenant, recordIdOf(p), input.by, 'procurement.scan.added', {
        consequence: c.id,
        text: c.text,
      });
      scan.consequences.push(c);
      await this.procurement.save(p);
      return { p, c };
    });
    const ref = await input.surface.postInThread(p.thread, consequenceView(p, c, true), {
      key: `cons:${p.id}:${c.id}`,
    });
    await this.remember(input.tenant, p.id, (fresh) => {
      const stored = fresh.scans.flatMap((s) => s.consequences).find((x) => x.id === c.id);
      if (stored && !stored.message) stored.message = ref;
    });
  }

  async sort(input: Call & { id: string; consequence: string; set: SortClick }): Promise<void> {
    await this.requireBuyer(input, 'Sorting consequences');
    const { p, c } = await this.procurement.mutate(input.tenant, input.id, async (p) => {
      const scan = openScan(p);
      const index = scan?.consequences.findIndex((x) => x.id === input.consequence) ?? -1;
      const current = scan?.consequences[index];
      if (!scan || !current) throw new BadInputError('That scan is closed: its consequences are in its log.');
      const next = applyClick(current, input.set);
      await this.deps.history.record(input.tenant, recordIdOf(p), input.by, 'procurement.scan.sorted', {
        consequence: current.id,
        set: input.set,
      });
      scan.consequences[index] = next;
      await this.procurement.save(p);
      return { p, c: next };
    });
    if (c.message) await input.surface.update(c.message, consequenceView(p, c, true));
  }

  async close(input: Call & { id: string }): Promise<void> {
    await this.requireBuyer(input, 'Closing a consequence scan');
    const dialogueOf = async (p: Procurement) => {
      const d = await this.deps.dialogues.get(p.tenant, p.dialogueId);
      return d ? await packOf(this.deps.packs, d) : undefined;
    };
    const { p, scan, closed } = await this.procurement.mutate(input.tenant, input.id, async (p) => {
      const scan = openScan(p);
      if (!scan) throw new BadInputError('There is no open consequence scan to close.');
      const pack = await dialogueOf(p);
      const clauses = new Set(pack?.rules.clauses.map((c) => c.id) ?? []);
      const closed = closeOutcome(p, scan, { clauses, today: this.procurement.today(p), owner: p.createdBy });
      scan.closedBy = person(input.by);
      scan.closedAt = this.now();
      p.items.push(...closed.actions.map((a) => a.item));
      p.clauseAsks.push(...closed.asks);
      p.kpiProposals.push(...closed.kpis);
      // New actions reopen a checklist that was ready for award.
      if (closed.actions.length && p.ready) delete p.ready;
      await this.deps.history.record(input.tenant, recordIdOf(p), input.by, 'procurement.scan.closed', {
        scan: scan.n,
        consequences: scan.consequences.length,
        actions: closed.actions.map((a) => a.item.id),
        clauseAsks: closed.asks.map((a) => a.from),
        kpis: closed.kpis.map((k) => k.id),
      });
      await this.procurement.save(p);
      return { p, scan, closed };
    });
    // The close is saved: each redraw failing alone is logged, and never stops the log or the checklist.
    const quietly = (what: string, work: Promise<unknown>) =>
      work.catch((error: unknown) => this.deps.onPublishError?.(error, what));
    if (scan.message) await quietly('scan', input.surface.update(scan.message, scanView(p, scan)));
    for (const c of scan.consequences) {
      if (c.message) await quietly('consequence', input.surface.update(c.message, consequenceView(p, c, false)));
    }
    await input.surface.postInThread(p.thread, scanLogView(p, scan, closed), { key: `scanlog:${p.id}:${scan.n}` });
    await this.procurement.publish(p, input.surface);
  }

  /**
   * Opening, sorting and closing a scan is for the buying team, who decide what each consequence becomes; the
   * supplier's people in the channel may add consequences.
   */
  private async requireBuyer(input: Call, what: string): Promise<void> {
    const standing = await this.deps.access.standing(input.tenant, input.by);
    if (standing.guest) {
      throw new ForbiddenError(`${what} is for the buying team; as the supplier you can add consequences.`, {
        tenant: input.tenant,
        user: input.by.id,
        permission: 'checklist',
        guest: true,
      });
    }
    // What each consequence becomes changes the checklist: the procurement team's call, as the checklist is.
    if (!atLeast(standing.role, 'procurement')) {
      throw new ForbiddenError(`${what} is for the procurement team or an admin; anyone here can add consequences.`, {
        tenant: input.tenant,
        user: input.by.id,
        permission: 'checklist',
        role: standing.role,
      });
    }
  }

  private async remember(tenant: string, id: string, change: (p: Procurement) => void): Promise<void> {
    await this.procurement.mutate(tenant, id, async (fresh) => {
      change(fresh);
      await this.procurement.save(fresh);
    });
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}
