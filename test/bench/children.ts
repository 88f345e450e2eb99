/**
 * The apps under test run as child processes (`node --import tsx <script>`), spawned with process.execPath so the
 * pid is the node process itself (its /proc memory is the app's). Ready when GET /healthz answers 200.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface Child {
  name: string;
  pid: number;
  port: number;
  /** The last lines the child wrote to stdout/stderr (its logs), and how many there were in all. */
  output: string[];
  lineCount(): number;
  /** Rejects when the child has exited (a crash mid-run). */
  alive(): void;
  stop(): Promise<void>;
}

const KEEP_LINES = 200;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

export async function startChild(opts: {
  name: string;
  script: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  port: number;
  readyTimeoutMs?: number;
}): Promise<Child> {
  // BENCH_NODE_ARGS adds node flags to both apps, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc: ChildProcess = spawn(process.execPath, [...extra, '--import', 'tsx', opts.script], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = proc.pid;
  if (pid === undefined) throw new Error(`${opts.name}: spawn failed`);
  const output: string[] = [];
  let lines = 0;
  let exit: string | undefined;
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines += 1;
      output.push(line);
      if (output.length > KEEP_LINES) output.shift();
    }
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => {
    proc.on('exit', (code, signal) => {
      exit = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
  });

  const child: Child = {
    name: opts.name,
    pid,
    port: opts.port,
    output,
    lineCount: () => lines,
    alive() {
      if (exit) throw new Error(`${opts.name} ${exit}:\n${output.slice(-20).join('\n')}`);
    },
    async stop() {
      if (exit) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  while (!(await healthy(opts.port))) {
    if (exit || Date.now() > deadline) {
      await child.stop();
      throw new Error(`${opts.name} did not become ready (${exit ?? 'timeout'}):\n${output.slice(-20).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}
