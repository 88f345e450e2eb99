/**
 * The calls a fake cloud (Slack Web API, Bot Connector) has answered, and tests waiting on them: a waiter is woken
 * after each recorded call, and a timeout names what was awaited and what the fake saw instead.
 */
export class CallLog<C extends { method: string }> {
  readonly calls: C[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly fakeName: string,
    private readonly describe: (calls: C[]) => string,
  ) {}

  record(call: C): void {
    this.calls.push(call);
    for (const wake of this.waiters) wake();
  }

  waitFor(predicate: (calls: C[]) => boolean, timeoutMs = 5000, label = 'condition'): Promise<C[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        // A predicate that throws (a message not there yet) is a condition not met, never the fake's failure.
        let met = false;
        try {
          met = predicate(this.calls);
        } catch {
          met = false;
        }
        if (!met) return;
        cleanup();
        resolve(this.calls);
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.describe(this.calls);
        reject(new Error(`${this.fakeName}: ${label} not met within ${timeoutMs} ms; calls seen: ${seen}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async waitForCalls(method: C['method'], count: number, timeoutMs = 5000): Promise<C[]> {
    const has = (calls: C[]) => calls.filter((c) => c.method === method).length >= count;
    await this.waitFor(has, timeoutMs, `${count} × ${method}`);
    return this.calls.filter((c) => c.method === method);
  }
}

/**
 * Resolves once `calls` (a fake's live call list) has not grown for `quietMs`: the bot has finished the work it does
 * after its ack. Gives up quietly after `timeoutMs`; the test's own checks then say what is missing.
 */
export async function untilQuiet(calls: readonly unknown[], quietMs = 150, timeoutMs = 8000): Promise<void> {
  const started = Date.now();
  let count = -1;
  while (Date.now() - started < timeoutMs) {
    if (calls.length === count) return;
    count = calls.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}
