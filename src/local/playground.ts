import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Logger } from '../log.js';

/** The person the Playground plays (its built-in configuration), as the bot knows them. */
export const PLAYGROUND_USER = { name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-0000000000020' } as const;

export interface Playground {
  url: string;
  process: ChildProcess;
  stop(): void;
}

/**
 * Starts the Microsoft 365 Agents Playground (pinned npm package, fully offline) against the local bot, so a
 * newcomer can talk to it in a browser with no Slack or Microsoft account. The Playground stands in for Teams and
 * its Bot Connector. Its CLI has no option to bind one interface, so it listens on all of them; the bot itself
 * answers only loopback callers in local mode. For development machines only.
 */
export function startPlayground(options: {
  botPort: number;
  port: number;
  logger: Logger;
  dataDir?: string;
}): Promise<Playground> {
  const { botPort, port, logger } = options;
  const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
  const dataDir = resolve(options.dataDir ?? 'data');
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(
    process.execPath,
    [cli, '-e', `http://127.0.0.1:${botPort}/api/messages`, '-c', 'msteams', '-p', String(port), '--disable-telemetry'],
    {
      env: {
        ...process.env,
        // Offline: no telemetry heartbeat, no attempt to open a browser, and its log file out of the working tree.
        APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_LOGFILE: resolve(dataDir, 'playground.log'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the Agents Playground did not start:\n${output.join('')}`)), 30_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output.push(text);
      const match = /Listening on (\d+)/.exec(text);
      if (!match) return;
      clearTimeout(timer);
      const actual = Number(match[1]);
      // It quietly takes another port when the one asked for is busy.
      if (actual !== port) logger.warn({ asked: port, actual }, 'Agents Playground port was busy; it chose another');
      done({ url: `http://localhost:${actual}`, process: child, stop: () => child.kill('SIGTERM') });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the Agents Playground exited with ${code}:\n${output.join('')}`));
    });
  });
}
