/**
 * Makes a fake hold the first call that `matches` for `ms`, and resolves once that call has arrived: a test then acts
 * (signals, shuts down) while the bot is waiting on the platform. Later calls are answered at once.
 */
export function holdFirst<A extends unknown[]>(
  fake: { options: { delayFor?: (...args: A) => number | undefined } },
  matches: (...args: A) => boolean,
  ms = 1500,
): Promise<void> {
  return new Promise((resolve) => {
    fake.options.delayFor = (...args: A) => {
      if (!matches(...args)) return undefined;
      fake.options.delayFor = undefined;
      resolve();
      return ms;
    };
  });
}
