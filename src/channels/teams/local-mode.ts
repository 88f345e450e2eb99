import type { RequestHandler } from 'express';

/**
 * Without credentials botbuilder accepts any activity and calls back whatever `serviceUrl` it names. In local
 * mode the only legitimate callers are on this machine (the Agents Playground, tests), so anything else would
 * turn the bot into a proxy to other hosts: refuse it at the door and again before every outbound turn.
 */
const LOOPBACK = /^https?:\/\/(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?(?:\/|$)/i;

export function isLoopbackUrl(url: string | undefined): boolean {
  return typeof url === 'string' && LOOPBACK.test(url);
}

const LOOPBACK_PEERS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Unauthenticated callers must be on this machine too, or anyone on the network could aim the bot at local ports. */
export const refuseRemoteServiceUrls: RequestHandler = (req, res, next) => {
  const serviceUrl = (req.body as { serviceUrl?: unknown } | undefined)?.serviceUrl;
  const peer = req.socket.remoteAddress ?? '';
  if (typeof serviceUrl !== 'string' || !isLoopbackUrl(serviceUrl) || !LOOPBACK_PEERS.has(peer)) {
    res
      .status(403)
      .json({ error: 'In local mode the bot only talks to this machine (loopback service URLs and callers).' });
    return;
  }
  next();
};
