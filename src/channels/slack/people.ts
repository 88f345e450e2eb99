import type { WebClient } from '@slack/web-api';
import type { Actor, PlatformFacts } from '../../core/access/roles.js';
import { validTimeZone } from '../../core/intl.js';
import type { UserRef } from '../../core/view.js';

interface SlackPerson extends PlatformFacts {
  tz?: string;
}

const TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;

/**
 * What Slack says about a person (users.info, with the workspace's own token): owner or admin, guest, time zone.
 * Asked only when a decision needs it and kept a few minutes, so a busy thread costs one lookup per person. A
 * failed lookup is not kept: the next request asks again.
 */
export class SlackPeople {
  private readonly cache = new Map<string, { at: number; person: Promise<SlackPerson> }>();

  constructor(private readonly now: () => number = Date.now) {}

  lookup(client: WebClient, tenant: string, user: string): Promise<SlackPerson> {
    const key = `${tenant}/${user}`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < TTL_MS) return hit.person;
    const person = client.users.info({ user }).then((result) => {
      const u = result.user;
      if (!u) throw new Error('users.info answered without a user');
      return {
        admin: Boolean(u.is_admin || u.is_owner || u.is_primary_owner),
        guest: Boolean(u.is_restricted || u.is_ultra_restricted || u.is_stranger),
        tz: validTimeZone(u.tz),
      };
    });
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { at: this.now(), person });
    person.catch(() => {
      if (this.cache.get(key)?.person === person) this.cache.delete(key);
    });
    return person;
  }

  /** The person acting in a request, with their facts asked of Slack only if a role check needs them. */
  actor(client: WebClient, tenant: string, user: UserRef): Actor {
    return { ...user, facts: () => this.lookup(client, tenant, user.id) };
  }

  /** The person's IANA zone, or undefined if Slack does not say within `budgetMs`; never fails the caller. */
  async timeZone(client: WebClient, tenant: string, user: string, budgetMs = 1500): Promise<string | undefined> {
    const zone = this.lookup(client, tenant, user).then(
      (person) => person.tz,
      () => undefined,
    );
    const timeout = new Promise<undefined>((resolve) => {
      setTimeout(() => resolve(undefined), budgetMs).unref();
    });
    return Promise.race([zone, timeout]);
  }
}
