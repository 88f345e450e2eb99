import { z } from 'zod';
import type { AccessService } from '../access/access.js';
import { type Actor, person } from '../access/roles.js';
import { BadInputError } from '../errors.js';
import { type FieldErrors, textValue, tooLong } from '../form-values.js';
import type { History } from '../history/recorder.js';
import { recordIds } from '../history/recorder.js';
import type { Clock, Locker } from '../ports.js';
import type { FormValues, FormView, View } from '../view.js';
import { textView } from '../view.js';
import {
  LESSON_ID,
  type Publisher,
  type PullResult,
  type SharedLesson,
  SUBSCRIPTIONS_MAX,
  type Subscription,
  SubscriptionSchema,
  URL_MAX,
} from './commons.js';
import { LESSON_TEXT_MAX, TAG_MAX } from './lesson.js';
import { anyRemoved, describeRemoved, emptyRemoved, redact } from './redact.js';
import { LessonIndex, type Searchable } from './search.js';
import type { LessonStore } from './service.js';
import { CHECKED, commonsStatusView, sharedView, shareForm, subscribedView } from './share-views.js';

export interface CommonsStore {
  getShared(tenant: string, id: string): Promise<SharedLesson | undefined>;
  saveShared(shared: SharedLesson): Promise<void>;
  deleteShared(tenant: string, id: string): Promise<void>;
  sharedCount(tenant: string): Promise<number>;
  getSubscription(tenant: string, id: string): Promise<Subscription | undefined>;
  saveSubscription(subscription: Subscription): Promise<void>;
  deleteSubscription(tenant: string, id: string): Promise<void>;
  subscriptionsOf(tenant: string): Promise<Subscription[]>;
}

/** Reading other organisations' feeds (over HTTP, in `src/commons`): the key to pin, then the signed items. */
export interface FeedReader {
  publisher(url: string): Promise<Publisher>;
  pull(subscription: Subscription): Promise<PullResult>;
}

export interface CommonsDeps {
  commons: CommonsStore;
  lessons: LessonStore;
  reader: FeedReader;
  history: History;
  access: AccessService;
  clock: Clock;
  locker: Locker;
  /** Set when the operator names the organisation (COMMONS_ORG): sharing is off without it. */
  publishing?: {
    org: string;
    /** Whether this tenant publishes as the organisation (a multi-tenant deployment names the one that does). */
    mayPublish: (tenant: string) => boolean;
    feedUrl: () => string | undefined;
    keyId: () => Promise<string>;
  };
  /** Plain http:// feeds (loopback tests, local mode); otherwise https only. */
  allowHttp: boolean;
  /** A subscription's id, from its URL (a short hash). */
  idOf: (url: string) => string;
}

/**
 * The commons across organisations. An admin shares a lesson after a review step (names and personal data taken
 * out, shown before it goes); the feed publishes what was shared, each item signed. A tenant subscribes to other
 * organisations' feeds: every item is verified against the key pinned on subscribing, and the lessons show in
 * search marked with their organisation until the tenant unsubscribes.
 */
export class CommonsService {
  private readonly indexes = new Map<string, { version: string; index: LessonIndex<Searchable> }>();

  constructor(private readonly deps: CommonsDeps) {}

  async shareFormFor(tenant: string, by: Actor, rawId: string): Promise<FormView> {
    const { lesson, org } = await this.shareable(tenant, by, rawId);
    const people = await this.people(tenant, lesson.by.name, by.name);
    const removed = emptyRemoved();
    // Cut to the field's length: the marks are longer than what they replace, and a form refuses a longer value.
    const happened = redact(lesson.happened, people, removed).text.slice(0, LESSON_TEXT_MAX);
    const differently = redact(lesson.differently, people, removed).text.slice(0, LESSON_TEXT_MAX);
    return shareForm({ lesson, happened, differently, removed, org, feedUrl: this.deps.publishing?.feedUrl() });
  }

  /**
   * The reviewed text is taken out again on submit: an edit cannot put an email address back. If anything had to
   * go, the form comes back with the text as it would be published, to read once more.
   */
  async share(
    tenant: string,
    by: Actor,
    rawId: string,
    values: FormValues,
  ): Promise<{ ok: true; confirmation: View } | { ok: false; form: FormView }> {
    const { lesson, org } = await this.shareable(tenant, by, rawId);
    const people = await this.people(tenant, lesson.by.name, by.name);
    const errors: FieldErrors = {};
    const cleaned: Record<'happened' | 'differently' | 'supplier', string> = {
      happened: '',
      differently: '',
      supplier: '',
    };
    for (const id of ['happened', 'differently', 'supplier'] as const) {
      const raw = textValue(values, id);
      const max = id === 'supplier' ? TAG_MAX : LESSON_TEXT_MAX;
      const long = tooLong(raw, max, 'it');
      if (long) {
        // Kept as typed, to shorten on the form.
        errors[id] = long;
        cleaned[id] = raw;
        continue;
      }
      if (!raw && id !== 'supplier') errors[id] = 'This cannot be empty.';
      const removed = emptyRemoved();
      cleaned[id] = redact(raw, people, removed).text.trim();
      if (anyRemoved(removed)) errors[id] = `Took out ${describeRemoved(removed)}: read it again, then share.`;
      // The marks are longer than what they replace: the text as published must still fit.
      const longer = tooLong(cleaned[id], max, 'it');
      if (longer) errors[id] = longer;
    }
    if (textValue(values, 'reviewed') !== CHECKED) errors.reviewed = 'Confirm you have read it as a stranger would.';
    const feedUrl = this.deps.publishing?.feedUrl();
    if (Object.keys(errors).length) {
      const form = shareForm({
        lesson,
        happened: cleaned.happened,
        differently: cleaned.differently,
        removed: emptyRemoved(),
        org,
        feedUrl,
        errors,
        values: { ...values, ...cleaned },
      });
      return { ok: false, form };
    }
    const shared: SharedLesson = {
      v: 1,
      id: lesson.id,
      tenant,
      happened: cleaned.happened,
      differently: cleaned.differently,
      tags: {
        ...lesson.tags,
        ...(cleaned.supplier ? { supplier: cleaned.supplier } : { supplier: undefined }),
      },
      sharedBy: person(by),
      sharedAt: this.deps.clock.now().toISOString(),
    };
    if (!shared.tags.supplier) delete shared.tags.supplier;
    await this.deps.history.record(tenant, `lesson:${lesson.id}`, by, 'lesson.shared', {
      happened: shared.happened,
      differently: shared.differently,
      tags: shared.tags,
    });
    await this.deps.commons.saveShared(shared);
    return { ok: true, confirmation: sharedView(shared, org, feedUrl) };
  }

  /** The review form, submitted: its payload names the lesson (`{ l }`), as the form was drawn. */
  submitShare(tenant: string, by: Actor, payload: unknown, values: FormValues) {
    const parsed = SharePayloadSchema.safeParse(payload);
    if (!parsed.success) throw new BadInputError('That form could not be read. Please open it again with share.');
    return this.share(tenant, by, parsed.data.l, values);
  }

  async unshare(tenant: string, by: Actor, rawId: string): Promise<View> {
    await this.deps.access.require(tenant, by, 'share');
    const id = lessonId(rawId);
    if (!(await this.deps.commons.getShared(tenant, id))) throw new BadInputError(`${id} is not shared.`);
    await this.deps.history.record(tenant, `lesson:${id}`, by, 'lesson.unshared', {});
    await this.deps.commons.deleteShared(tenant, id);
    return textView(`${id} is withdrawn from the commons feed. Subscribers drop it on their next pull.`);
  }

  /** For admins: the pulls' errors say how other hosts answered, which is not for everyone to probe. */
  async status(tenant: string, by: Actor): Promise<View> {
    await this.deps.access.require(tenant, by, 'settings');
    const p = this.deps.publishing;
    return commonsStatusView({
      ...(p
        ? {
            publishing: {
              org: p.org,
              feedUrl: p.feedUrl(),
              keyId: await p.keyId(),
              shared: await this.deps.commons.sharedCount(tenant),
            },
          }
        : {}),
      subscriptions: await this.deps.commons.subscriptionsOf(tenant),
    });
  }

  async subscribe(tenant: string, by: Actor, rawUrl: string): Promise<View> {
    await this.deps.access.require(tenant, by, 'settings');
    const url = this.feedUrl(rawUrl);
    const id = this.deps.idOf(url);
    const existing = await this.deps.commons.getSubscription(tenant, id);
    if (existing) return subscribedView(await this.pull(tenant, id), true);
    if ((await this.deps.commons.subscriptionsOf(tenant)).length >= SUBSCRIPTIONS_MAX) {
      throw new BadInputError(`This workspace already follows ${SUBSCRIPTIONS_MAX} feeds: unsubscribe from one first.`);
    }
    const publisher = await this.deps.reader.publisher(url);
    const subscription: Subscription = SubscriptionSchema.parse({
      v: 1,
      id,
      tenant,
      url,
      ...publisher,
      lessons: [],
      refused: 0,
      addedBy: person(by),
      addedAt: this.deps.clock.now().toISOString(),
    });
    await this.deps.history.record(tenant, recordIds.settings, by, 'commons.subscribed', {
      url,
      org: publisher.org,
      keyId: publisher.keyId,
    });
    await this.deps.commons.saveSubscription(subscription);
    return subscribedView(await this.pull(tenant, id), false);
  }

  async unsubscribe(tenant: string, by: Actor, rawUrl: string): Promise<View> {
    await this.deps.access.require(tenant, by, 'settings');
    const url = this.feedUrl(rawUrl);
    const found = await this.deps.commons.getSubscription(tenant, this.deps.idOf(url));
    if (!found) throw new BadInputError('This workspace does not subscribe to that feed (config commons lists them).');
    await this.deps.history.record(tenant, recordIds.settings, by, 'commons.unsubscribed', { url, org: found.org });
    await this.deps.locker.withLock(subscriptionLock(tenant, found.id), () =>
      this.deps.commons.deleteSubscription(tenant, found.id),
    );
    return textView(`Unsubscribed from ${found.org}: its ${found.lessons.length} lessons no longer show here.`);
  }

  /**
   * Pulls one subscription now (on subscribing, and on the schedule): a conditional GET; on a change, the verified
   * items replace the last set. A failed pull keeps the lessons it had and says why in `config commons`.
   */
  async pull(tenant: string, id: string): Promise<Subscription> {
    const subscription = await this.deps.commons.getSubscription(tenant, id);
    if (!subscription) throw new BadInputError('That subscription is gone.');
    const at = this.deps.clock.now().toISOString();
    let result: PullResult;
    try {
      result = await this.deps.reader.pull(subscription);
    } catch (error) {
      const next = { ...subscription, lastPullAt: at, lastError: errorText(error) };
      await this.saveIfStillThere(next);
      return next;
    }
    const next: Subscription =
      result.kind === 'unchanged'
        ? { ...subscription, lastPullAt: at, lastError: undefined }
        : {
            ...subscription,
            lessons: result.lessons,
            refused: result.refused,
            refusedWhy: result.refusedWhy,
            etag: result.etag,
            lastModified: result.lastModified,
            lastPullAt: at,
            lastError: undefined,
          };
    for (const key of ['lastError', 'refusedWhy', 'etag', 'lastModified'] as const) {
      if (next[key] === undefined) delete next[key];
    }
    await this.saveIfStillThere(next);
    return next;
  }

  /**
   * For search: the newest subscribed lessons (at most SUBSCRIBED_SEARCHED), each marked with its organisation and
   * the host its feed is served from (the name is the publisher's own word; the host is where it was read), indexed
   * once per change of the tenant's feeds.
   */
  async indexFor(tenant: string): Promise<LessonIndex<Searchable> | undefined> {
    const subscriptions = await this.deps.commons.subscriptionsOf(tenant);
    if (!subscriptions.length) {
      this.indexes.delete(tenant);
      return undefined;
    }
    const version = subscriptions.map((s) => `${s.id}:${s.lessons.map((l) => `${l.id}@${l.at}`).join(',')}`).join(';');
    const cached = this.indexes.get(tenant);
    if (cached?.version === version) return cached.index;
    const lessons = subscriptions
      .flatMap((s) => {
        const source = `${s.org} (${new URL(s.url).host})`;
        return s.lessons.map((l) => ({ ...l, source, key: `${s.id}|${l.id}` }));
      })
      .sort((x, y) => y.at.localeCompare(x.at))
      .slice(0, SUBSCRIBED_SEARCHED);
    const index = new LessonIndex<Searchable>(lessons, SUBSCRIBED_FIELD_INDEXED);
    // One index per tenant in memory; the least recently built goes first past the cap.
    this.indexes.delete(tenant);
    this.indexes.set(tenant, { version, index });
    for (const key of this.indexes.keys()) {
      if (this.indexes.size <= INDEXES_KEPT) break;
      this.indexes.delete(key);
    }
    return index;
  }

  /**
   * An unsubscribe while a pull was under way wins: the pull does not bring the subscription back. The check and the
   * write share the subscription's lock with the removal (the fetch itself ran before, outside any lock).
   */
  private async saveIfStillThere(next: Subscription): Promise<void> {
    await this.deps.locker.withLock(subscriptionLock(next.tenant, next.id), async () => {
      if (await this.deps.commons.getSubscription(next.tenant, next.id)) await this.deps.commons.saveSubscription(next);
    });
  }

  private async shareable(tenant: string, by: Actor, rawId: string) {
    await this.deps.access.require(tenant, by, 'share');
    const publishing = this.deps.publishing;
    if (!publishing) {
      throw new BadInputError(
        'Sharing is off here: the operator turns the commons on by naming the organisation (COMMONS_ORG, see the README).',
      );
    }
    if (!publishing.mayPublish(tenant)) {
      throw new BadInputError(
        `This deployment serves several organisations, and this one does not publish as ${publishing.org}: the operator names the workspaces or tenants that do (COMMONS_TENANTS).`,
      );
    }
    const id = lessonId(rawId);
    const lesson = await this.deps.lessons.get(tenant, id);
    if (!lesson) throw new BadInputError(`There is no lesson ${id} here (lessons lists them).`);
    return { lesson, org: publishing.org };
  }

  /** The names the review takes out: the author's, the sharer's, and everyone the tenant's roles name. */
  private async people(tenant: string, ...more: (string | undefined)[]): Promise<string[]> {
    const known = await this.deps.access.knownPeople(tenant);
    return [...known.map((p) => p.name), ...more].filter((n): n is string => Boolean(n));
  }

  private feedUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw.trim().slice(0, URL_MAX + 100));
    } catch {
      throw new BadInputError(
        'Give the feed’s address, e.g. config commons subscribe https://bot.example.gov/commons/feed.json',
      );
    }
    const httpOk = this.deps.allowHttp && url.protocol === 'http:';
    if (url.protocol !== 'https:' && !httpOk) throw new BadInputError('A feed is read over https:// only.');
    if (url.username || url.password) throw new BadInputError('A feed address carries no user name or password.');
    if (url.href.length > URL_MAX) throw new BadInputError(`Keep the feed address under ${URL_MAX} characters.`);
    url.hash = '';
    return url.href;
  }
}

/** Subscribed lessons a search reads, and how much of each field it indexes: one index stays bounded. */
export const SUBSCRIBED_SEARCHED = 500;
const SUBSCRIBED_FIELD_INDEXED = 500;
/** Tenants whose subscribed index a process keeps. */
const INDEXES_KEPT = 50;

const subscriptionLock = (tenant: string, id: string) => `t:${tenant}:commons-sub:${id}`;

const SharePayloadSchema = z.object({ l: z.string().regex(LESSON_ID) }).strict();

function lessonId(raw: string): string {
  const id = raw.trim().toUpperCase();
  const withDash = /^L[0-9A-Z]{6}$/.test(id) ? `L-${id.slice(1)}` : id;
  if (!LESSON_ID.test(withDash)) throw new BadInputError('Give a lesson id, e.g. share L-3F8R1A (lessons shows them).');
  return withDash;
}

function errorText(error: unknown): string {
  return (error instanceof BadInputError ? error.message : 'the feed could not be read').slice(0, 300);
}
