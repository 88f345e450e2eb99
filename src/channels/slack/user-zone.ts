import type { WebClient } from '@slack/web-api';

/** A Slack user's IANA zone (users.info), or undefined if Slack does not say quickly; never fails the caller. */
export async function userTimeZone(client: WebClient, user: string, timeoutMs = 1500): Promise<string | undefined> {
  const lookup = client.users.info({ user }).then(
    (result) => result.user?.tz,
    () => undefined,
  );
  const timeout = new Promise<undefined>((resolve) => {
    setTimeout(() => resolve(undefined), timeoutMs).unref();
  });
  return Promise.race([lookup, timeout]);
}
