import { randomUUID } from 'node:crypto';
import { DomainError, ForbiddenError } from '../core/errors.js';
import type { Logger } from '../log.js';

/**
 * Shows a failure where the user is looking. Known domain errors get their own short message; anything else
 * is logged with a correlation id that the message repeats, so support can find it.
 */
export async function showFailure(error: unknown, logger: Logger, show: (text: string) => Promise<unknown>) {
  let text: string;
  if (error instanceof DomainError) {
    if (error.code === 'store_unavailable') logger.error({ err: error.cause ?? error }, 'store unavailable');
    else if (error instanceof ForbiddenError) logger.warn({ ...error.details, reason: error.message }, 'refused: role');
    else logger.info({ code: error.code, msg: error.message }, 'request refused');
    text = error.message;
  } else {
    const ref = randomUUID().slice(0, 8);
    logger.error({ err: error, ref }, 'unexpected error');
    text = `Something went wrong on our side (reference ${ref}). Please try again; if it persists, give that reference to your administrator.`;
  }
  try {
    await show(text);
  } catch (secondary) {
    logger.error({ err: secondary }, 'could not show the failure to the user');
  }
}
