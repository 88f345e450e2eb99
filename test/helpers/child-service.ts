import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildService {
  process: ChildProcess;
  port: number;
  baseUrl: string;
  output: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs the real service as `npm start` does (`node --import tsx src/main.ts`) in its own process, and resolves
 * once it logs the port it listens on. Spawned with node itself, so killing the pid kills the service.
 */
export function startChildService(env: Record<string, string>, timeoutMs = 20_000): Promise<ChildService> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not start in ${timeoutMs} ms:\n${output.join('')}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output.push(text);
      const match = /"port":(\d+)[^\n]*"msg":"listening"/.exec(text);
      if (match) {
        clearTimeout(timer);
        const port = Number(match[1]);
        resolve({
          process: child,
          port,
          baseUrl: `http://127.0.0.1:${port}`,
          output,
          kill: (signal = 'SIGKILL') =>
            new Promise((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill(signal);
            }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before listening:\n${output.join('')}`));
    });
  });
}
