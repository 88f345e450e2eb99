import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPack } from '../../src/core/triage/pack-loader.js';
import type { Question } from '../../src/core/triage/pack-schema.js';
import { rawAnswers } from '../unit/triage-helpers.js';

/**
 * The whole triage as a person would run it on a fresh clone: `npm start` with no accounts brings up the bot and
 * the Microsoft 365 Agents Playground, and a headless Chromium types and clicks in the Playground's personal chat.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test/artifacts');
const TITLE = 'Chatbot for council tax queries';
const fixture = { answers: rawAnswers('citizen-faq-chatbot') };

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error('cleanup failed:', error);
    }
  }
});

/** Ports the OS says are free right now, all distinct (held open together, then released). */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, () => resolve());
      });
    }
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntil(test: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await delay(100)) if (test()) return true;
  return test();
}

/** SIGTERM as an operator would (main.ts then stops the Playground), then make sure its whole group is gone. */
async function stopService(child: ChildProcess): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await Promise.race([exited, delay(15_000)]);
  }
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    if (await waitUntil(() => !groupAlive(pgid), 5_000)) return;
    try {
      process.kill(-pgid, signal);
    } catch {
      return; // gone in the meantime
    }
  }
  if (!(await waitUntil(() => !groupAlive(pgid), 5_000))) throw new Error(`process group ${pgid} survived SIGKILL`);
}

/** `npm start` (`node --import tsx src/main.ts`) in its own process group; resolves with the Playground's URL. */
async function startService(dataDir: string, output: string[]): Promise<{ child: ChildProcess; url: string }> {
  const [port, playgroundPort] = await freePorts(2);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      PLAYGROUND_PORT: String(playgroundPort),
      STORE_URL: `sqlite://${join(dataDir, 'bot.sqlite')}`,
      LOG_LEVEL: 'info',
      // Blank, so a developer's .env cannot switch on Slack or Teams credentials (which would turn off the Playground).
      SLACK_BOT_TOKEN: '',
      SLACK_SIGNING_SECRET: '',
      SLACK_APP_TOKEN: '',
      MICROSOFT_APP_ID: '',
      MICROSOFT_APP_PASSWORD: '',
      MICROSOFT_APP_TENANT_ID: '',
      MICROSOFT_APP_TYPE: '',
    },
    // Its own process group, so the Playground it spawns can be found and stopped with it.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => stopService(child));
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the Playground did not start in 60 s')), 60_000);
    const onData = () => {
      const match = /"url":"(http:\/\/localhost:\d+)"[^\n]*"msg":"Agents Playground ready"/.exec(output.join(''));
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve(match[1]!);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code}`));
    });
  });
  return { child, url };
}

async function launchBrowser(profileDir: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  cleanups.push(() => context.close());
  // The machine is offline: only loopback (the UI's CDN fonts and animations fail harmlessly).
  await context.route('**/*', (route) =>
    /^(https?|wss?):\/\/(127\.0\.0\.1|localhost)(:|\/)/.test(route.request().url()) ? route.continue() : route.abort(),
  );
  // Generous: CI runs this beside other suites on two cores.
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Answers the question on `card` the way a person would: a button, ticked boxes + Confirm, or typed text. */
async function answer(card: Locator, question: Question, value: string | string[]): Promise<void> {
  if (value === 'dontKnow') {
    await card.getByRole('button', { name: "Don't know", exact: true }).click();
    return;
  }
  if (question.kind === 'text') {
    await card.getByRole('textbox', { name: 'Your answer' }).fill(String(value));
    await card.getByRole('button', { name: 'Submit', exact: true }).click();
    return;
  }
  const label = (id: string) => {
    const option = question.options.find((o) => o.id === id);
    if (!option) throw new Error(`${question.id}: no option ${id}`);
    return option.label;
  };
  const ids = Array.isArray(value) ? value : [value];
  const exclusive =
    question.kind === 'multi' && ids.length === 1 && question.options.find((o) => o.id === ids[0])?.exclusive;
  if (question.kind === 'single' || exclusive) {
    await card.getByRole('button', { name: label(ids[0]!), exact: true }).click();
    return;
  }
  for (const id of ids) {
    await card.getByRole('checkbox', { name: `Select all that apply ${label(id)}`, exact: true }).check();
  }
  await card.getByRole('button', { name: 'Confirm selection', exact: true }).click();
}

describe('Agents Playground smoke test', () => {
  it('runs a whole triage in the personal chat, as `npm start` serves it', { timeout: 180_000 }, async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: run \`apt-get install -y chromium\` (.ci/run installs it).`);
    }
    const pack = await loadPack(join(ROOT, 'prompts/triage/default.yaml'));
    const tmp = mkdtempSync(join(tmpdir(), 'playground-smoke-'));
    cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
    mkdirSync(join(tmp, 'data'));
    mkdirSync(ARTIFACTS, { recursive: true });
    const output: string[] = [];
    let page: Page | undefined;
    try {
      const service = await startService(join(tmp, 'data'), output);
      ({ page } = await launchBrowser(join(tmp, 'chrome')));
      await page.goto(service.url, { waitUntil: 'domcontentloaded' });

      const compose = page.locator('[data-lexical-editor="true"]').last();
      await compose.click();
      await page.keyboard.type(`triage ${TITLE}`);
      await page.keyboard.press('Enter');

      // Old cards stay in the chat (refreshed to show their answer), so look for the next question on the newest
      // card; the summary may be followed by a notice, so look for it on any card.
      const cards = page.locator('.ac-adaptiveCard');
      const summaryHeading = cards.getByText(/^Triage result: /).first();
      const asked: string[] = [];
      for (let n = 1; ; n++) {
        const heading = cards
          .last()
          .getByText(new RegExp(`^Question ${n} of \\d+$`))
          .first();
        await heading.or(summaryHeading).first().waitFor();
        if (await summaryHeading.isVisible()) break;
        expect(n, 'more questions than the fixture answers').toBeLessThanOrEqual(Object.keys(fixture.answers).length);
        const shown = normalise((await heading.textContent()) ?? '');
        const card = cards.filter({ hasText: shown }).last();
        const text = normalise((await card.textContent()) ?? '');
        const question = pack.questions
          .filter((q) => text.includes(normalise(q.prompt)))
          .sort((a, b) => b.prompt.length - a.prompt.length)[0];
        if (!question) throw new Error(`${shown}: no question of the pack matches the card:\n${text}`);
        const value = fixture.answers[question.id];
        if (value === undefined) throw new Error(`${shown}: the fixture has no answer for ${question.id}`);
        asked.push(question.id);
        await answer(card, question, value);
      }
      expect(asked).toEqual(Object.keys(fixture.answers));

      const summary = cards.filter({ hasText: 'Triage result:' }).last();
      const result = summary.getByText('Triage result: Medium', { exact: true }).first();
      await result.waitFor();
      expect(await result.isVisible()).toBe(true);
      expect(normalise((await summary.textContent()) ?? '')).toContain('score 26 of 58');
      await result.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(ARTIFACTS, 'playground-summary.png'), fullPage: true });

      // The report comes back as a Markdown message (bots cannot drop files in Teams without Graph). Look in the
      // chat's messages only: the log panel and the chat list repeat the raw text.
      await summary.getByRole('button', { name: 'Export report', exact: true }).click();
      const report = page
        .locator('.fai-OutputCard')
        .filter({ has: page.locator('strong', { hasText: `Triage report: ${TITLE}` }) })
        .last();
      await report.waitFor();
      expect(await report.isVisible()).toBe(true);
      expect(normalise((await report.textContent()) ?? '')).toContain('£450k');
      // The service logged no error along the way.
      expect(
        output
          .join('')
          .split('\n')
          .filter((line) => /"level":(50|60)/.test(line)),
      ).toEqual([]);
    } catch (error) {
      await page
        ?.screenshot({ path: join(ARTIFACTS, 'playground-failure.png'), fullPage: true })
        .catch(() => undefined);
      const log = output.join('').trim().split('\n').slice(-40).join('\n');
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n` +
          `(screenshot: test/artifacts/playground-failure.png)\n--- service output (last 40 lines) ---\n${log}`,
        { cause: error },
      );
    }
  });
});
