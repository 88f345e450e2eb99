/**
 * The history an auditor is handed: every change to a triage, a contract, the settings and the roles is an event
 * with its actor, on both platforms; `npm run audit` prints it (JSON lines or Markdown), and `--verify` recomputes
 * every chain and names the first record and event that was changed, removed or cut off.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/core/history/event.js';
import type { Dialogue } from '../../src/core/triage/dialogue.js';
import { NAMESPACE } from '../../src/store/open-store.js';
import { sqliteUrl } from '../helpers/backends.js';
import {
  cardAction,
  cardLines,
  londonNine,
  modalState,
  SLACK_TENANT,
  SlackContracts,
  slackButton,
  slackText,
  TEAMS_TENANT,
  TeamsContracts,
} from '../helpers/contracts-driver.js';
import { TeamsHarness } from '../helpers/teams-harness.js';
import { ALICE } from '../support/teams-activities.js';
import { waitUntil } from '../support/wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** `npm run audit -- …`, as an auditor runs it. */
/** Closes once, whether the test gets there or its cleanup does. */
function once(close: () => Promise<unknown>): () => Promise<unknown> {
  let closing: Promise<unknown> | undefined;
  return () => {
    closing ??= close();
    return closing;
  };
}

function audit(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/audit.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const eventsIn = (jsonl: string): HistoryEvent[] =>
  jsonl
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as HistoryEvent);

describe('history and npm run audit', () => {
  it('Slack: records every kind of change with its actor, prints it, and verifies it; tampering is named', async () => {
    const storeUrl = sqliteUrl();
    const slack = await SlackContracts.start(undefined, {}, { storeUrl, namespace: NAMESPACE });
    const closeSlack = once(() => slack.close());
    cleanups.push(closeSlack);
    await slack.command('config timezone Europe/London');
    await slack.command('config hour 9');
    await slack.command('roles add <@UBEN|ben> procurement');
    await slack.command('roles remove <@UBEN|ben> procurement');
    await slack.command('roles guests bar');
    const { summary } = await slack.triage();
    const { contract } = await slack.register(summary);
    const [digest] = await slack.tickAt(londonNine('2026-05-01'));
    const snoozeModal = await slack.openModal(digest!, slackButton(digest!, 'reminder_snooze'));
    await slack.submit(snoozeModal, modalState(snoozeModal, { days: '7', reason: 'Report due on Friday' }));
    const modal = await slack.openModal(digest!, slackButton(digest!, 'reminder_record'));
    const before = slack.fake.calls.length;
    await slack.submit(modal, modalState(modal, { value: '99.7', rating: 'good', note: 'One outage' }));
    await slack.nextEphemeral(before);
    await closeSlack();

    const printed = audit('--store', storeUrl, '--tenant', SLACK_TENANT);
    expect(printed.status).toBe(0);
    const events = eventsIn(printed.stdout);
    const kinds = new Set(events.map((e) => e.kind));
    for (const kind of [
      'settings.timezone',
      'settings.hour',
      'roles.granted',
      'roles.revoked',
      'roles.guests',
      'triage.started',
      'triage.answered',
      'triage.completed',
      'contract.registered',
      'contract.snoozed',
      'contract.result',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    // Who: the person as Slack named them, on every event a person caused.
    for (const event of events) expect(event.by).toMatchObject({ platform: 'slack', id: 'UANA' });
    // Triage events carry the hash of the question pack they were answered under.
    const started = events.find((e) => e.kind === 'triage.started')!;
    expect(started.pack).toMatch(/^[0-9a-f]{64}$/);
    expect(events.filter((e) => e.record === started.record).every((e) => e.pack === started.pack)).toBe(true);

    const verified = audit('--store', storeUrl, '--tenant', SLACK_TENANT, '--verify');
    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(/verifies: 4 record\(s\), \d+ event\(s\)/);
    expect(verified.stdout).toMatch(/Tenant chain head: [0-9a-f]{64}/);
    expect(verified.stdout).toContain('Stored records match their history: 2 triage(s) and contract(s) compared');

    const one = audit('--store', storeUrl, '--tenant', SLACK_TENANT, '--record', contract.id, '--format', 'md');
    expect(one.status).toBe(0);
    expect(one.stdout).toContain(`## contract:${contract.id}`);
    expect(one.stdout).toContain('| 1 |');
    expect(one.stdout).toContain('contract.registered');
    expect(one.stdout).toContain('(slack UANA)');
    expect(one.stdout).not.toContain('triage.started');

    // Tampering, straight in the store: an event's data changed, then an event removed, then a record removed whole.
    const { openStore } = await import('../../src/store/open-store.js');
    const { quietLogger } = await import('../helpers/backends.js');
    const store = await openStore(storeUrl, { logger: quietLogger });
    const key = (record: string, seq: number) => `t:${SLACK_TENANT}:hist:${record}:${seq}`;
    const record = `contract:${contract.id}`;
    const original = (await store.keyv.get(key(record, 2))) as HistoryEvent;
    await store.keyv.set(key(record, 2), { ...original, data: { ...original.data, until: '2099-01-01' } });
    await store.close();
    const changed = audit('--store', storeUrl, '--tenant', SLACK_TENANT, '--verify');
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain(`record ${record}: event #2 was changed after it was written`);

    const again = await openStore(storeUrl, { logger: quietLogger });
    await again.keyv.set(key(record, 2), original);
    expect(audit('--store', storeUrl, '--tenant', SLACK_TENANT, '--verify').status).toBe(0);
    // The stored triage edited without an event: its state no longer matches its history.
    const dialogueKey = `t:${SLACK_TENANT}:dialogue:${started.record.slice('dialogue:'.length)}`;
    const stored = (await again.keyv.get(dialogueKey)) as Dialogue;
    const [firstAnswer] = Object.keys(stored.answers);
    await again.keyv.set(dialogueKey, {
      ...stored,
      answers: { ...stored.answers, [firstAnswer!]: { ...stored.answers[firstAnswer!]!, value: { kind: 'dontKnow' } } },
    });
    const edited = audit('--store', storeUrl, '--tenant', SLACK_TENANT, '--verify');
    expect(edited.status).toBe(1);
    expect(edited.stdout).toContain(`${started.record}: the answer to ${firstAnswer} differs from its event`);
    await again.keyv.set(dialogueKey, stored);
    expect(audit('--store', storeUrl, '--tenant', SLACK_TENANT, '--verify').status).toBe(0);
    await again.keyv.delete(key(record, 1));
    await again.close();
    const removed = audit('--store', storeUrl, '--tenant', SLACK_TENANT, '--verify', '--record', contract.id);
    expect(removed.status).toBe(1);
    expect(removed.stdout).toContain(`record ${record}: event #1 is missing`);

    const last = await openStore(storeUrl, { logger: quietLogger });
    await last.keyv.set(key(record, 1), (await last.keyv.get(key(record, 1))) ?? original);
    // Remove the whole record: every event and its head.
    const head = (await last.keyv.get(`t:${SLACK_TENANT}:hist-head:${record}`)) as { seq: number };
    for (let seq = 1; seq <= head.seq; seq++) await last.keyv.delete(key(record, seq));
    await last.keyv.delete(`t:${SLACK_TENANT}:hist-head:${record}`);
    await last.close();
    const gone = audit('--store', storeUrl, '--tenant', SLACK_TENANT, '--verify');
    expect(gone.status).toBe(1);
    expect(gone.stdout).toContain(`record ${record} was removed: the tenant chain lists`);
  });

  it('Teams: a triage’s events name the Teams user by Entra object id', async () => {
    const storeUrl = sqliteUrl();
    const teams = await TeamsHarness.start({ storeUrl, namespace: NAMESPACE });
    const closeTeams = once(() => teams.close());
    cleanups.push(closeTeams);
    await teams.triageUntil('role');
    await closeTeams();
    const printed = audit('--store', storeUrl, '--tenant', TEAMS_TENANT);
    expect(printed.status).toBe(0);
    const events = eventsIn(printed.stdout);
    expect(events.map((e) => e.kind)).toEqual(['triage.started', 'triage.answered']);
    for (const event of events) {
      expect(event.by).toEqual({ platform: 'teams', id: ALICE.aadObjectId, name: ALICE.name });
    }
    expect(audit('--store', storeUrl, '--tenant', TEAMS_TENANT, '--verify').status).toBe(0);
  });

  it('Slack: History on a triage shows its latest events; only an admin exports the whole, verified', async () => {
    const slack = await SlackContracts.start();
    cleanups.push(() => slack.close());
    const { root, summary } = await slack.triage();
    const before = slack.fake.calls.length;
    await slack.click(summary, slackButton(summary, 'history_show'), 'UBEN');
    const shown = await slack.nextEphemeral(before, 'UBEN');
    const text = slackText(shown);
    expect(text).toContain('History');
    expect(text).toContain('<@UANA> started the triage “Housing benefit claim risk scoring”');
    expect(text).toContain('<@UANA> answered role: ');
    expect(text).toMatch(
      /All \d+ events\. Record `dialogue:[\w-]+`\. An admin can export the whole history, verified, or delete/,
    );

    // A member cannot take the whole history away; an admin can, and it says whether it verifies.
    const exportButton = slackButton(shown, 'history_export');
    const refusedAt = slack.fake.calls.length;
    await slack.click(shown, exportButton, 'UBEN');
    expect(slackText(await slack.nextEphemeral(refusedAt, 'UBEN'))).toContain(
      'Exporting records and their whole history is for an admin',
    );
    expect(slack.fake.files).toEqual([]);
    await slack.click(shown, exportButton, 'UANA');
    await waitUntil(() => slack.fake.files.some((f) => f.completed), 5000, 'the history file');
    const [file] = slack.fake.files;
    expect(file!.filename).toMatch(/^history-dialogue-[A-Za-z0-9_-]+\.md$/);
    expect(file!.channel).toBe(root.channel);
    expect(file!.content).toContain('Verified: every hash recomputed and every link checked.');
    expect(file!.content).toContain('| 1 |');
    expect(file!.content).toContain('triage.completed');
  });

  it('Teams: History on a triage posts its events as a card', async () => {
    const teams = await TeamsContracts.start();
    cleanups.push(() => teams.close());
    const { summary } = await teams.triage();
    const result = await teams.harness.click(summary, cardAction(summary.cards[0], 'history_show'));
    expect(result.status).toBe(200);
    await waitUntil(
      () => teams.connector.state().some((m) => cardLines(m.cards[0]).some((l) => l.includes('started the triage'))),
      5000,
      'the history card',
    );
    const card = teams.connector
      .state()
      .find((m) => cardLines(m.cards[0]).some((l) => l.includes('started the triage')));
    expect(cardLines(card!.cards[0]).join('\n')).toContain(`${ALICE.name} answered role: `);
  });

  it('says how to use it, and says so when a tenant has no history', () => {
    const usage = audit();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('Usage: npm run audit --');
    const none = audit('--store', sqliteUrl(), '--tenant', 'slack_TNONE');
    expect(none.status).toBe(0);
    expect(none.stderr).toContain('No history for slack_TNONE');
  });
});
