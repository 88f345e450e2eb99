import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../config.js';
import { normaliseContractId } from '../core/contracts/contract.js';
import { ocdsRelease, releasePackage } from '../core/contracts/ocds.js';
import { systemClock } from '../core/ports.js';
import { KeyvContractRepository } from '../store/contract-repository.js';
import { openStore } from '../store/open-store.js';
import { Records } from '../store/records.js';

// `npm run ocds -- <contract-id> [--tenant <tenant>] [--release]`: the contract's OCDS release package on stdout.
if (existsSync('.env')) process.loadEnvFile('.env');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { tenant: { type: 'string' }, release: { type: 'boolean', default: false } },
});
const raw = positionals[0];
if (!raw) {
  process.stderr.write('Usage: npm run ocds -- <contract-id> [--tenant <tenant>] [--release]\n');
  process.exit(2);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(2);
}
const store = await openStore(config.storeUrl, { logger: pino({ level: 'silent' }) });
try {
  const records = new Records(store);
  const contracts = new KeyvContractRepository(records);
  const id = normaliseContractId(raw);
  const tenant = values.tenant ?? (await contracts.tenantOf(id));
  const contract = tenant ? await contracts.get(tenant, id) : undefined;
  if (!contract) {
    process.stderr.write(`There is no contract ${id} in ${config.storeUrl.replace(/\/\/[^@/]*@/, '//')}.\n`);
    process.exitCode = 1;
  } else {
    const now = systemClock.now();
    const release = ocdsRelease(contract, { now, ocidPrefix: config.ocdsPrefix });
    const output = values.release
      ? release
      : releasePackage([release], { now, publisherName: 'AI procurement assistant' });
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  }
} finally {
  await store.close();
}
