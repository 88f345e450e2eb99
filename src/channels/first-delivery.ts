import type { Logger } from '../log.js';
import type { Deduper } from '../store/dedupe.js';

/**
 * Claims the first delivery of `deliveryId` for both platforms. True for the first delivery, false for a later copy
 * (logged and to be dropped). If the store cannot say, true: processing a copy twice beats dropping a request.
 * `about` adds the platform's own identifiers to the log lines.
 */
export async function claimFirstDelivery(
  deps: { deduper: Deduper; logger: Logger },
  tenant: string,
  deliveryId: string,
  about: Record<string, unknown> = {},
): Promise<boolean> {
  let first = true;
  try {
    first = await deps.deduper.isFirstDelivery(tenant, deliveryId);
  } catch (error) {
    deps.logger.warn({ err: error, deliveryId, ...about }, 'dedupe check failed; processing anyway');
  }
  if (!first) deps.logger.info({ deliveryId, tenant, ...about }, 'duplicate delivery skipped');
  return first;
}
