import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../log.js';

/** Bolt's logger interface over pino, so Bolt's own lines get the same redaction as ours. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  // Bolt logs every request body at debug; skip building the line when that level is off.
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) => {
      if (child.isLevelEnabled(level)) child[level](text(msg));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
