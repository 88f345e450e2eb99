/**
 * `npm run fidelity`: the public-cases suite against the default pack (or `--pack <file>`), agreement per
 * jurisdiction, and every disagreement with the answers that drove it.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PACK_URL, loadPack } from '../../src/core/triage/pack-loader.js';
import { compare, JURISDICTIONS, loadCases } from './cases.js';

const NAMES = {
  eu: 'EU (NL Algoritmeregister)',
  us: 'US (2025 AI use-case inventory)',
  uk: 'UK (ATRS)',
  ca: 'Canada (AIA)',
};

const { values } = parseArgs({ options: { pack: { type: 'string' }, verbose: { type: 'boolean' } } });
const pack = await loadPack(values.pack ?? DEFAULT_PACK_URL);
const cases = loadCases();
const results = compare(pack, cases);
console.log(`Pack ${pack.id} ${pack.version} against ${cases.length} published systems\n`);
for (const jurisdiction of JURISDICTIONS) {
  const mine = results.filter((r) => r.jurisdiction === jurisdiction);
  const agreed = mine.filter((r) => r.agrees).length;
  const pct = mine.length ? Math.round((agreed / mine.length) * 100) : 0;
  const claim = pack.claims?.[jurisdiction];
  const holds = mine.filter((r) => r.claimed?.holds).length;
  const claimed = claim ? `; claims ${claim.match}: holds for ${holds}/${mine.length}` : '; no claim';
  console.log(`${NAMES[jurisdiction].padEnd(34)} ${agreed}/${mine.length} agree exactly (${pct} %)${claimed}`);
}
const misses = results.filter((r) => !r.agrees);
if (misses.length) console.log('\nDisagreements:');
for (const r of misses) {
  const ca = r.outcome.classification.ca;
  console.log(
    `- ${r.case.file} [${r.jurisdiction}] published ${r.published}, pack ${r.pack}` +
      ` (tier ${r.outcome.tier}, score ${r.outcome.score}/${r.outcome.max}${ca.mitigation ? `, AIA-style ${ca.mitigation.score}` : ''})` +
      (r.claimed && !r.claimed.holds ? ' CLAIM BROKEN' : '') +
      (r.case.contested ? `\n    contested with ${r.case.contested.with}: ${r.case.contested.why}` : ''),
  );
}
if (values.verbose) {
  for (const r of results)
    console.log(
      `${r.agrees ? 'ok ' : 'NO '} ${r.jurisdiction} ${r.case.file}: ${r.pack} / ${r.published}; EU ${r.outcome.classification.eu.category}`,
    );
}
