/**
 * Everything the bot keeps about a tenant, for its admins: `export all` in chat (a file in Slack, a download link in
 * Teams) and `npm run export` at the command line, the same document either way, with whether its history verifies.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { TenantExport } from '../../src/core/export/tenant-export.js';
import { NAMESPACE } from '../../src/store/open-store.js';
import { sqliteUrl } from '../helpers/backends.js';
import { SLACK_TENANT, SlackContracts, slackText, TeamsContracts } from '../helpers/contracts-driver.js';
import { waitUntil } from '../support/wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('export all', () => {
  it('Slack: an admin gets every record as one file; a member is refused; npm run export prints the same', async () => {
    const storeUrl = sqliteUrl();
    const slack = await SlackContracts.start(undefined, {}, { storeUrl, namespace: NAMESPACE });
    let closed = false;
    cleanups.push(async () => {
      if (!closed) await slack.close();
    });
    const { summary } = await slack.triage();
    const { contract } = await slack.register(summary);

    expect(slackText((await slack.command('export all', 'UBEN')).reply)).toContain(
      'Exporting records and their whole history is for an admin',
    );
    expect(slack.fake.files).toEqual([]);
    await slack.harness.command('export all', 'UANA');
    await waitUntil(() => slack.fake.files.some((f) => f.completed), 5000, 'the export file');
    const [file] = slack.fake.files;
    expect(file!.filename).toMatch(new RegExp(`^aiprocure-export-${SLACK_TENANT}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    const exported = JSON.parse(file!.content ?? '') as TenantExport;
    expect(exported.format).toBe('aiprocure-tenant-export/1');
    expect(exported.tenant).toBe(SLACK_TENANT);
    expect(exported.contracts).toMatchObject([{ id: contract.id, supplier: 'Acme Analytics Ltd' }]);
    expect(exported.dialogues.map((d) => d.title)).toEqual(['Housing benefit claim risk scoring']);
    expect(exported.history.verified).toBe(true);
    expect(Object.keys(exported.history.records).sort()).toEqual(
      [`contract:${contract.id}`, `dialogue:${exported.dialogues[0]!.id}`].sort(),
    );
    await slack.close();
    closed = true;

    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/export.ts', '--store', storeUrl, '--tenant', SLACK_TENANT],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, encoding: 'utf8' },
    );
    expect(cli.status).toBe(0);
    const printed = JSON.parse(cli.stdout) as TenantExport;
    expect({ ...printed, exportedAt: '' }).toEqual({ ...exported, exportedAt: '' });
  });

  it('Teams: an admin gets a download link to the same document', async () => {
    const teams = await TeamsContracts.start();
    cleanups.push(() => teams.close());
    await teams.triage();
    const before = teams.connector.calls.length;
    await teams.harness.say('export all');
    await teams.connector.waitFor(
      (calls) => calls.slice(before).some((c) => JSON.stringify(c.body).includes('/downloads/')),
      5000,
      'the download link',
    );
    const posted = teams.connector.calls.slice(before).find((c) => JSON.stringify(c.body).includes('/downloads/'))!;
    const url = JSON.stringify(posted.body).match(/http:\/\/localhost:\d+\/downloads\/[^"\\\s)]+/)?.[0];
    expect(url).toBeDefined();
    const download = await fetch(url!.replace('localhost', '127.0.0.1'));
    expect(download.status).toBe(200);
    const exported = (await download.json()) as TenantExport;
    expect(exported.tenant).toMatch(/^teams_/);
    expect(exported.dialogues).toHaveLength(1);
    expect(exported.history.verified).toBe(true);
  });
});
