import { parseArgs } from 'node:util';
import { AccessService } from '../core/access/access.js';
import { NO_ROLES } from '../core/access/roles.js';
import { TenantExporter } from '../core/export/tenant-export.js';
import { History } from '../core/history/recorder.js';
import { systemClock } from '../core/ports.js';
import { KeyvCommonsRepository } from '../store/commons-repository.js';
import { KeyvContractRepository } from '../store/contract-repository.js';
import { KeyvDialogueRepository } from '../store/dialogue-repository.js';
import { KeyvHistoryRepository } from '../store/history-repository.js';
import { KeyvLessonRepository } from '../store/lesson-repository.js';
import { StoreLocker } from '../store/locks.js';
import { KeyvProcurementRepository } from '../store/procurement-repository.js';
import { KeyvRolesRepository } from '../store/roles-repository.js';
import { KeyvSettingsRepository } from '../store/settings-repository.js';
import { fail, shownStore, storeUrlOf, withStore } from './store-cli.js';

// `npm run export -- [--store URL] --tenant T`: everything the bot keeps about one tenant, as JSON on stdout
// (settings, roles, contracts, triages and their history, with whether the history verifies).
const USAGE =
  'Usage: npm run export -- [--store URL] --tenant <tenant>\n' +
  '  tenant: slack_<team or enterprise id>, or teams_<Entra tenant id>\n';

let values: { store?: string; tenant?: string };
try {
  ({ values } = parseArgs({ options: { store: { type: 'string' }, tenant: { type: 'string' } } }));
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}
const tenant = values.tenant;
if (!tenant) fail(USAGE);
const storeUrl = storeUrlOf(values.store, USAGE);

await withStore(storeUrl, async (records) => {
  const locker = new StoreLocker(records, { crossProcess: false });
  const roles = new KeyvRolesRepository(records, locker);
  const history = new KeyvHistoryRepository(records, locker);
  const exporter = new TenantExporter({
    settings: new KeyvSettingsRepository(records),
    roles,
    contracts: new KeyvContractRepository(records),
    dialogues: new KeyvDialogueRepository(records),
    procurements: new KeyvProcurementRepository(records),
    lessons: new KeyvLessonRepository(records),
    commons: new KeyvCommonsRepository(records),
    history,
    // The operator at the command line reads the store directly; no chat role applies.
    access: new AccessService({ roles, admins: [], history: new History(history, systemClock) }),
    clock: systemClock,
  });
  const data = await exporter.collect(tenant);
  const empty =
    data.contracts.length === 0 && Object.keys(data.history.records).length === 0 && data.roles === NO_ROLES;
  if (empty) process.stderr.write(`Nothing is kept for ${tenant} in ${shownStore(storeUrl)}.\n`);
  process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
});
