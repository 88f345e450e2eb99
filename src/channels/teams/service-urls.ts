import { isLoopbackHost } from '../../config.js';

/**
 * Which service URLs the bot may talk to. Every outbound Teams call goes to an activity's `serviceUrl` and carries
 * the bot's token, so a URL anywhere else (a forged local-mode activity, a poisoned stored reference) must never be
 * called. Local mode: loopback only (the Agents Playground, tests). With credentials: https on the Bot Connector's
 * hosts (BOT_CONNECTOR_HOSTS; `*.` matches sub-domains), or a loopback host the operator listed (tests).
 */
export interface ServiceUrlPolicy {
  local: boolean;
  hosts: readonly string[];
}

export function serviceUrlAllowed(url: unknown, policy: ServiceUrlPolicy): boolean {
  if (typeof url !== 'string' || url.length > 500) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  const host = parsed.hostname.toLowerCase();
  if (policy.local) return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && isLoopbackHost(host);
  const listed = policy.hosts.some((pattern) => {
    const p = pattern.toLowerCase();
    return p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p;
  });
  if (!listed) return false;
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackHost(host));
}
