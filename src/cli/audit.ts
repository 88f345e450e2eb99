import { parseArgs } from 'node:util';
import { CONTRACT_ID, normaliseContractId } from '../core/contracts/contract.js';
import { markdownHeader, markdownRow } from '../core/history/report.js';
import { checkState } from '../core/history/state-check.js';
import { verifyHistory } from '../core/history/verify.js';
import { KeyvContractRepository } from '../store/contract-repository.js';
import { KeyvDialogueRepository } from '../store/dialogue-repository.js';
import { KeyvHistoryRepository } from '../store/history-repository.js';
import { StoreLocker } from '../store/locks.js';
import { fail, shownStore, storeUrlOf, withStore } from './store-cli.js';

// `npm run audit -- [--store URL] --tenant T [--record ID] [--format jsonl|md] [--verify]`: a tenant's history, as
// recorded, for an auditor; with --verify, whether it is intact (exit 1 names the first record and event that is not).

const USAGE =
  'Usage: npm run audit -- [--store URL] --tenant <tenant> [--record <id>] [--format jsonl|md] [--verify]\n' +
  '  tenant: slack_<team or enterprise id>, or teams_<Entra tenant id>\n' +
  '  record: a contract id (C-…), a triage id, dialogue:<id>, contract:<id>, settings or roles\n';

const BATCH = 500;

let values: { store?: string; tenant?: string; record?: string; format?: string; verify?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      store: { type: 'string' },
      tenant: { type: 'string' },
      record: { type: 'string' },
      format: { type: 'string', default: 'jsonl' },
      verify: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}
const tenant = values.tenant;
if (!tenant) fail(USAGE);
if (values.format !== 'jsonl' && values.format !== 'md') fail(`--format is jsonl or md.\n${USAGE}`);
const storeUrl = storeUrlOf(values.store, USAGE);

/** What the person typed as a record, as the history names it. */
function recordName(raw: string): string {
  if (raw.includes(':') || raw === 'settings' || raw === 'roles') return raw;
  const contractId = normaliseContractId(raw);
  return CONTRACT_ID.test(contractId) ? `contract:${contractId}` : `dialogue:${raw}`;
}

await withStore(storeUrl, async (records) => {
  const history = new KeyvHistoryRepository(records, new StoreLocker(records, { crossProcess: false }));
  const record = values.record ? recordName(values.record) : undefined;
  if (values.verify) {
    const report = await verifyHistory(history, tenant, { record });
    if (!report.ok) {
      process.stdout.write(`History of ${tenant} does NOT verify: ${report.problem}\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(
        `History of ${tenant}${record ? ` (${record})` : ''} verifies: ${report.records} record(s), ${report.events} event(s), ` +
          `every hash recomputed and every link checked.\nTenant chain head: ${report.head ?? '(no events)'}\n`,
      );
      // The records as stored, against what their events say.
      const dialogues = new KeyvDialogueRepository(records);
      const contracts = new KeyvContractRepository(records);
      const state = await checkState(history, tenant, record ? [record] : await recordsOf(history, tenant), {
        dialogue: (t, id) => dialogues.get(t, id),
        contract: (t, id) => contracts.get(t, id),
      });
      if (!state.ok) {
        process.stdout.write(`The stored records do NOT match their history: ${state.problem}\n`);
        process.exitCode = 1;
      } else {
        process.stdout.write(
          `Stored records match their history: ${state.checked} triage(s) and contract(s) compared` +
            `${state.skipped ? ` (${state.skipped} older than the history, not compared)` : ''}.\n`,
        );
      }
    }
  } else {
    const names = record ? [record] : await recordsOf(history, tenant);
    if (names.length === 0) process.stderr.write(`No history for ${tenant} in ${shownStore(storeUrl)}.\n`);
    for (const name of names) {
      const head = await history.head(tenant, name);
      if (values.format === 'md') process.stdout.write(`${markdownHeader(name)}\n`);
      for (let from = 1; from <= (head?.seq ?? 0); from += BATCH) {
        const events = await history.events(tenant, name, from, Math.min(head?.seq ?? 0, from + BATCH - 1));
        const lines = events.map((event) => (values.format === 'md' ? markdownRow(event) : JSON.stringify(event)));
        if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (values.format === 'md') process.stdout.write('\n');
    }
  }
});

/** Every record of the tenant, in the order its first event was appended. */
async function recordsOf(repository: KeyvHistoryRepository, of: string): Promise<string[]> {
  const head = await repository.chainHead(of);
  const seen = new Set<string>();
  for (let from = 1; from <= (head?.n ?? 0); from += BATCH) {
    for (const entry of await repository.chain(of, from, Math.min(head?.n ?? 0, from + BATCH - 1)))
      seen.add(entry.record);
  }
  return [...seen];
}
