import { type Records, tenantKey } from './records.js';

/**
 * First-delivery marks. Platforms redeliver (Slack after 3 s, Teams after ~15 s, Socket Mode on reconnect);
 * the first delivery of an id claims its mark atomically and every later copy sees it taken.
 * Marks live an hour: Slack's last retry comes about 5 minutes after the first delivery.
 */
export class Deduper {
  constructor(
    private readonly records: Records,
    private readonly ttlMs = 60 * 60 * 1000,
  ) {}

  async isFirstDelivery(tenant: string, deliveryId: string): Promise<boolean> {
    return this.records.claim(tenantKey(tenant, 'dedupe', deliveryId), '1', this.ttlMs);
  }
}
