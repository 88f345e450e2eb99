import {
  FEED_MAX_ITEMS,
  type SharedLesson,
  SharedLessonSchema,
  type Subscription,
  SubscriptionSchema,
} from '../core/lessons/commons.js';
import type { CommonsStore } from '../core/lessons/commons-service.js';
import { loadPaged, type Records, tenantKey } from './records.js';
import { allMembers } from './sets.js';

/** Every tenant's shared lessons, newest first by score: the feed reads the newest, a page at a time. */
const SHARED = 'sys:commons:shared';
const member = (tenant: string, id: string) => JSON.stringify([tenant, id]);

/**
 * The commons' records: lessons shared (per tenant, with one deployment-wide list the feed reads) and each tenant's
 * subscriptions, with the lessons verified from them.
 */
export class KeyvCommonsRepository implements CommonsStore {
  constructor(private readonly records: Records) {}

  getShared(tenant: string, id: string): Promise<SharedLesson | undefined> {
    return this.records.get(tenantKey(tenant, 'shared', id), SharedLessonSchema);
  }

  async saveShared(shared: SharedLesson): Promise<void> {
    SharedLessonSchema.parse(shared);
    await this.records.set(tenantKey(shared.tenant, 'shared', shared.id), shared);
    await this.records.sets.add(tenantKey(shared.tenant, 'shared'), [{ member: shared.id, score: 0 }]);
    // Scored by minus the time: the lowest score is the newest, which `due` reads first.
    await this.records.sets.add(SHARED, [
      { member: member(shared.tenant, shared.id), score: -Date.parse(shared.sharedAt) },
    ]);
  }

  async deleteShared(tenant: string, id: string): Promise<void> {
    await this.records.sets.remove(SHARED, [member(tenant, id)]);
    await this.records.sets.remove(tenantKey(tenant, 'shared'), [id]);
    await this.records.delete(tenantKey(tenant, 'shared', id));
  }

  sharedCount(tenant: string): Promise<number> {
    return this.records.sets.count(tenantKey(tenant, 'shared'));
  }

  async sharedOf(tenant: string): Promise<SharedLesson[]> {
    const ids = await allMembers(this.records.sets, tenantKey(tenant, 'shared'));
    return loadPaged(this.records, ids, (id) => tenantKey(tenant, 'shared', id), SharedLessonSchema);
  }

  /** The newest shared lessons of the deployment, at most the feed's length. */
  async newestShared(): Promise<SharedLesson[]> {
    const entries = await this.records.sets.due(SHARED, { max: Number.MAX_SAFE_INTEGER, limit: FEED_MAX_ITEMS });
    const keys = entries.flatMap(({ member: m }) => {
      const parsed: unknown = JSON.parse(m);
      return Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string'
        ? [tenantKey(parsed[0], 'shared', parsed[1])]
        : [];
    });
    return (await this.records.getMany(keys, SharedLessonSchema)).filter((s): s is SharedLesson => s !== undefined);
  }

  getSubscription(tenant: string, id: string): Promise<Subscription | undefined> {
    return this.records.get(tenantKey(tenant, 'commons-sub', id), SubscriptionSchema);
  }

  async saveSubscription(subscription: Subscription): Promise<void> {
    SubscriptionSchema.parse(subscription);
    await this.records.sets.add(tenantKey(subscription.tenant, 'commons-subs'), [
      { member: subscription.id, score: 0 },
    ]);
    await this.records.sets.add(SUBSCRIBED, [{ member: member(subscription.tenant, subscription.id), score: 0 }]);
    await this.records.set(tenantKey(subscription.tenant, 'commons-sub', subscription.id), subscription);
  }

  async deleteSubscription(tenant: string, id: string): Promise<void> {
    await this.records.sets.remove(SUBSCRIBED, [member(tenant, id)]);
    await this.records.sets.remove(tenantKey(tenant, 'commons-subs'), [id]);
    await this.records.delete(tenantKey(tenant, 'commons-sub', id));
  }

  async subscriptionsOf(tenant: string): Promise<Subscription[]> {
    const ids = await allMembers(this.records.sets, tenantKey(tenant, 'commons-subs'));
    return loadPaged(this.records, ids, (id) => tenantKey(tenant, 'commons-sub', id), SubscriptionSchema);
  }

  /** Every subscription of every tenant, for the scheduled pull. */
  async allSubscriptions(): Promise<{ tenant: string; id: string }[]> {
    return (await allMembers(this.records.sets, SUBSCRIBED)).flatMap((m) => {
      const parsed: unknown = JSON.parse(m);
      return Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string'
        ? [{ tenant: parsed[0], id: parsed[1] }]
        : [];
    });
  }
}

const SUBSCRIBED = 'sys:commons:subscriptions';
