import type { WebClient } from '@slack/web-api';
import type { Actor, PlatformFacts } from '../../core/access/roles.js';
import { validTimeZone } from '../../core/intl.js';
import type { UserRef } from '../../core/view.js';
import { LookupCache } from '../lookup-cache.js';

interface SlackPerson extends PlatformFacts {
  tz?: string;
}

/**
 * What Slack says about a person (users.info, with the workspace's own token): owner or admin, guest, time zone.
 * Asked only when a decision needs it, and kept a few minutes.
 */
export class SlackPeople {
  private readonly cache = new LookupCache<SlackPerson>();

  lookup(client: WebClient, tenant: string, user: string): Promise<SlackPerson> {
    return this.cache.get(`${tenant}/${user}`, () =>
      client.users.info({ user }).then((result) => {
        const u = result.user;
        if (!u) throw new Error('users.info answered without a user');
        return {
          admin: Boolean(u.is_admin || u.is_owner || u.is_primary_owner),
          guest: Boolean(u.is_restricted || u.is_ultra_restricted || u.is_stranger),
          tz: validTimeZone(u.tz),
        };
      }),
    );
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
