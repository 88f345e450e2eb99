type Hook<A extends unknown[]> = (...args: A) => number | undefined;

/**
 * Makes a fake hold the first call that `matches` for `ms`, and resolves once that call has arrived: a test then acts
 * (signals, shuts down, kills the process) while the bot is waiting on the platform. Later calls are answered at once.
 * `delayFor` holds the answer (the platform has taken the call in); `holdFor` holds the call before the platform takes
 * it in, so a caller that dies meanwhile leaves no trace there.
 */
export function holdFirst<A extends unknown[], K extends 'delayFor' | 'holdFor' = 'delayFor'>(
  fake: { options: { [key in K]?: Hook<A> } },
  matches: (...args: A) => boolean,
  ms = 1500,
  hook: K = 'delayFor' as K,
): Promise<void> {
  return new Promise((resolve) => {
    const options = fake.options as { [key in K]?: Hook<A> };
    options[hook] = ((...args: A) => {
      if (!matches(...args)) return undefined;
      options[hook] = undefined;
      resolve();
      return ms;
    }) as (typeof options)[K];
  });
}
