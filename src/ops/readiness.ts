import type { RequestHandler } from 'express';

/** One check /readyz runs: 'ok', or what is wrong in a few words. */
export type ReadinessCheck = () => Promise<string> | string;

/**
 * Ready means this replica can do its work now: every check says 'ok' within `timeoutMs`. A load balancer stops
 * sending it requests on a 503, which is also what a draining replica answers.
 */
export function readinessRoute(checks: Record<string, ReadinessCheck>, timeoutMs = 2000): RequestHandler {
  return async (_req, res) => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await withTimeout(check, timeoutMs)] as const),
    );
    const results = Object.fromEntries(entries);
    const ready = entries.every(([, result]) => result === 'ok');
    res.status(ready ? 200 : 503).json({ ready, checks: results });
  };
}

async function withTimeout(check: ReadinessCheck, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ms} ms`), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), late]);
  } catch {
    // An error's text can hold a host or a path: the check logs what it needs; the answer stays plain.
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}
