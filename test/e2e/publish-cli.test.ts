/**
 * `npm run publish` as an officer runs it: a procurement made in Slack (checklist started, contract registered), the
 * service stopped, then the ATRS draft and the US inventory row read from the same SQLite store on the command line.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { NAMESPACE } from '../../src/store/open-store.js';
import { sqliteUrl } from '../helpers/backends.js';
import { SLACK_TENANT, SlackContracts } from '../helpers/contracts-driver.js';
import { waitUntil } from '../support/wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let s: SlackContracts | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

function publish(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/publish.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run publish', () => {
  it('drafts the ATRS record and the US inventory row from the store, and says when an id is unknown', async () => {
    const storeUrl = sqliteUrl();
    const slack = await SlackContracts.start(undefined, {}, { storeUrl, namespace: NAMESPACE });
    s = slack;
    const { summary } = await slack.triage();
    const p = await slack.startChecklist(summary);
    const repository = slack.harness.service!.procurementRepository;
    const { contract } = await slack.register(summary);
    await waitUntil(async () => (await repository.get(SLACK_TENANT, p!.id))?.stage === 'awarded', 5000, 'awarded');
    await slack.close();
    s = undefined;

    const atrs = publish('atrs', p!.id.toLowerCase(), '--store', storeUrl);
    expect(atrs.stderr).not.toContain('does not validate');
    expect(atrs.status).toBe(0);
    expect(atrs.stdout).toContain('# Draft: UK Algorithmic Transparency Recording Standard (ATRS) v4.0 record');
    expect(atrs.stdout).toContain(`procurement ${p!.id}, contract ${contract.id}`);
    expect(atrs.stdout).toContain('| Owner and Responsibility | Third party | Acme Analytics Ltd |');
    const json = publish('us-inventory', p!.id, '--store', storeUrl, '--format', 'json');
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      use_case_name: 'Housing benefit claim risk scoring',
      vendor_name: 'Acme Analytics Ltd',
      is_high_impact: 'a) High-impact',
      agency_bureau: null,
    });
    const unknown = publish('atrs', 'P-000000', '--store', storeUrl);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('There is no procurement P-000000');
    const usage = publish('nl-registry', p!.id, '--store', storeUrl);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('Usage: npm run publish -- atrs|us-inventory|nl-register|eu-db');
    const nl = publish('nl-register', p!.id, '--store', storeUrl, '--format', 'json');
    expect(nl.status).toBe(0);
    expect(JSON.parse(nl.stdout)).toMatchObject({ publication_category: 'Hoog-risico AI-systeem', lang: 'nld' });
  });
});
