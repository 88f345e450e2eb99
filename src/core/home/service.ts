import type { AccessService } from '../access/access.js';
import type { Actor } from '../access/roles.js';
import { localDateOf } from '../calendar.js';
import { digestItemsOf } from '../contracts/digest.js';
import type { ContractRepository } from '../contracts/ports.js';
import type { Clock } from '../ports.js';
import { dueItems, reviewItems, workingItems } from '../procurement/checklist.js';
import type { ProcurementRepository } from '../procurement/ports.js';
import type { View } from '../view.js';
import { type HomeData, homeView } from './views.js';

/** What "my items" looks ahead: anything due within a month, and everything overdue. */
export const HOME_HORIZON_DAYS = 30;

export interface HomeDeps {
  procurements: ProcurementRepository;
  contracts: ContractRepository;
  access: AccessService;
  clock: Clock;
}

/**
 * One place to see it all (the Slack App Home, the Teams personal chat): my checklist items and KPI reviews,
 * overdue first, then the procurements and contracts I lead or own.
 */
export class HomeService {
  constructor(private readonly deps: HomeDeps) {}

  async data(tenant: string, by: Actor): Promise<HomeData> {
    await this.deps.access.require(tenant, by, 'read');
    const now = this.deps.clock.now();
    const [procurements, contracts] = await Promise.all([
      this.deps.procurements.listByTenant(tenant),
      this.deps.contracts.listByTenant(tenant),
    ]);
    const me = by.id;
    const checklist = procurements.flatMap((p) =>
      dueItems(
        [...workingItems(p), ...reviewItems(p)].filter((i) => i.owner?.id === me),
        localDateOf(now, p.timeZone),
        HOME_HORIZON_DAYS,
      ).map((due) => ({ procurement: p, due })),
    );
    const mineContracts = contracts.filter((c) => c.owner.id === me || c.sro.id === me);
    const kpis = mineContracts.flatMap((c) => digestItemsOf(c, localDateOf(now, c.timeZone), HOME_HORIZON_DAYS));
    const mineProcurements = procurements.filter(
      (p) => p.createdBy.id === me || p.items.some((i) => i.owner?.id === me),
    );
    return { checklist, kpis, procurements: mineProcurements, contracts: mineContracts };
  }

  async view(tenant: string, by: Actor): Promise<View> {
    return homeView(await this.data(tenant, by));
  }
}
