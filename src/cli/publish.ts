import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AccessService } from '../core/access/access.js';
import { History } from '../core/history/recorder.js';
import { systemClock } from '../core/ports.js';
import { normaliseProcurementId } from '../core/procurement/procurement.js';
import { DRAFT_KINDS, type DraftKind, draftJson, draftMarkdown } from '../core/transparency/draft.js';
import { TransparencyService } from '../core/transparency/service.js';
import { parsePack } from '../core/triage/pack-loader.js';
import { KeyvContractRepository } from '../store/contract-repository.js';
import { KeyvDialogueRepository } from '../store/dialogue-repository.js';
import { KeyvHistoryRepository } from '../store/history-repository.js';
import { StoreLocker } from '../store/locks.js';
import { KeyvPackRepository } from '../store/pack-repository.js';
import { KeyvProcurementRepository } from '../store/procurement-repository.js';
import { KeyvRolesRepository } from '../store/roles-repository.js';
import { loadTransparencyValidator } from '../transparency/conformance.js';
import { fail, shownStore, storeUrlOf, withStore } from './store-cli.js';

// `npm run publish -- <kind> <procurement id> [--store URL] [--tenant T] [--format md|json]`: a transparency draft
// on stdout, validated against the register's official field list when ../shared/conformance is on this machine.
const USAGE = `Usage: npm run publish -- ${DRAFT_KINDS.join('|')} <procurement id> [--store URL] [--tenant T] [--format md|json]\n`;

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: { store: { type: 'string' }, tenant: { type: 'string' }, format: { type: 'string', default: 'md' } },
  });
}
try {
  parsed = parse();
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}
const [kind = '', raw = ''] = parsed.positionals;
if (!(DRAFT_KINDS as readonly string[]).includes(kind) || !raw) fail(USAGE);
if (!['md', 'json'].includes(parsed.values.format ?? 'md')) fail(`--format is md or json.\n${USAGE}`);
const storeUrl = storeUrlOf(parsed.values.store, USAGE);
const id = normaliseProcurementId(raw);
const DEFAULT_PACK = fileURLToPath(new URL('../../prompts/triage/default.yaml', import.meta.url));
const packText = readFileSync(DEFAULT_PACK, 'utf8');

await withStore(storeUrl, async (records) => {
  const procurements = new KeyvProcurementRepository(records);
  const tenant = parsed.values.tenant ?? (await procurements.tenantOf(id));
  if (!tenant) fail(`There is no procurement ${id} in ${shownStore(storeUrl)}.\n`, 1);
  const locker = new StoreLocker(records, { crossProcess: false });
  const history = new KeyvHistoryRepository(records, locker);
  const roles = new KeyvRolesRepository(records, locker);
  const conformance = loadTransparencyValidator(process.env.CONFORMANCE_DIR || undefined);
  if ('absent' in conformance) process.stderr.write(`Not validated: ${conformance.absent}.\n`);
  const service = new TransparencyService({
    procurements,
    dialogues: new KeyvDialogueRepository(records),
    // Each triage's own pack is found by its hash in the store; the default is only the fallback the class needs.
    packs: new KeyvPackRepository(records, {
      pack: parsePack(packText, DEFAULT_PACK),
      text: packText,
      source: DEFAULT_PACK,
    }),
    contracts: new KeyvContractRepository(records),
    // The operator at the command line reads the store directly; no chat role applies.
    access: new AccessService({ roles, admins: [], history: new History(history, systemClock) }),
    clock: systemClock,
    ...('validate' in conformance ? { validate: conformance.validate } : { notValidated: conformance.absent }),
  });
  const draft = await service.draft(tenant, undefined, kind as DraftKind, id);
  process.stdout.write(
    parsed.values.format === 'json' ? `${JSON.stringify(draftJson(draft), null, 2)}\n` : draftMarkdown(draft),
  );
  if (draft.validation && !draft.validation.ok && !draft.validation.skipped) {
    process.stderr.write(`The draft does not validate: ${draft.validation.problems.join('; ')}\n`);
    process.exitCode = 1;
  }
});
