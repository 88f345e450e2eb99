/**
 * Resolves once `check()` holds, polling every 10 ms; rejects after `timeoutMs` naming what was awaited. For states
 * no fake records a call for (a log line, a stored record); calls to a fake are awaited with its own waitFor.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  label: string,
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${label} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
