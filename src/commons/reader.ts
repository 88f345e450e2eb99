/**
 * Reading another organisation's commons feed. A feed is hostile until proven otherwise: fetched with a timeout, no
 * redirects and a size cap; parsed with zod; every item's signature checked against the key pinned on subscribing,
 * and only what the signature covers is kept. An item that fails is refused and counted, never shown.
 */
import { createPublicKey } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { BadInputError } from '../core/errors.js';
import {
  type CommonsLesson,
  FEED_MAX_ITEMS,
  LESSON_ID,
  ORG_MAX,
  type Publisher,
  type PullResult,
  type Subscription,
  TagsSchema,
} from '../core/lessons/commons.js';
import type { FeedReader } from '../core/lessons/commons-service.js';
import { LESSON_TEXT_MAX } from '../core/lessons/lesson.js';
import { signedPart } from './feed.js';
import { keyIdOf, verifyValue } from './signing.js';

export const FEED_BYTES_MAX = 2 * 1024 * 1024;
const KEY_BYTES_MAX = 16 * 1024;

const KeyDocSchema = z.object({
  v: z.literal(1),
  org: z.string().min(1).max(ORG_MAX),
  alg: z.literal('Ed25519'),
  key_id: z.string().min(1).max(100),
  public_key: z.string().min(1).max(1000),
});

const SignedSchema = z.object({
  v: z.literal(1),
  id: z.string().regex(LESSON_ID),
  org: z.string().min(1).max(ORG_MAX),
  published: z.string().datetime({ offset: true }),
  happened: z.string().min(1).max(LESSON_TEXT_MAX),
  differently: z.string().min(1).max(LESSON_TEXT_MAX),
  tags: TagsSchema,
  key_id: z.string().max(100),
  signature: z.string().min(1).max(200),
});

const FeedSchema = z.object({
  version: z.string().startsWith('https://jsonfeed.org/version/1'),
  items: z.array(z.object({ id: z.string().max(200), _aiprocure: z.unknown() }).passthrough()).max(FEED_MAX_ITEMS * 2),
});

/**
 * Addresses a feed may not be read from outside local testing: this machine, private networks, link-local (cloud
 * metadata), carrier-grade NAT, unique-local IPv6 and the unspecified addresses.
 */
const INTERNAL = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  INTERNAL.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  INTERNAL.addSubnet(net, bits, 'ipv6');
}

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1];
  if (mapped) return INTERNAL.check(mapped, 'ipv4');
  return INTERNAL.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

export class HttpFeedReader implements FeedReader {
  constructor(
    private readonly options: {
      timeoutMs: number;
      fetch?: typeof fetch;
      /**
       * Refuse hosts that resolve to internal addresses, and connect to the address that was checked (off only for
       * loopback tests and local mode, where `fetch` is used).
       */
      publicOnly: boolean;
      lookup?: (host: string) => Promise<string[]>;
      /** Which addresses are refused (tests stand a loopback server in for a public one). */
      internal?: (address: string) => boolean;
    },
  ) {}

  /** The publisher's key, from `key` beside `feed.json`: pinned by the subscription that asked. */
  async publisher(url: string): Promise<Publisher> {
    const keyUrl = new URL('key', url).href;
    const response = await this.get(keyUrl, {});
    if (response.status !== 200) throw new BadInputError(`The feed’s key (${keyUrl}) answered ${response.status}.`);
    const parsed = KeyDocSchema.safeParse(parseJson(await readCapped(response, KEY_BYTES_MAX)));
    if (!parsed.success) throw new BadInputError(`The feed’s key (${keyUrl}) is not a commons key.`);
    let keyId: string;
    try {
      const key = createPublicKey(parsed.data.public_key);
      if (key.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
      keyId = keyIdOf(key);
    } catch {
      throw new BadInputError(`The feed’s key (${keyUrl}) is not an Ed25519 public key.`);
    }
    if (keyId !== parsed.data.key_id) throw new BadInputError('The feed’s key does not match its own key id.');
    return { org: parsed.data.org, publicKey: parsed.data.public_key, keyId };
  }

  async pull(subscription: Subscription): Promise<PullResult> {
    const headers: Record<string, string> = {};
    if (subscription.etag) headers['If-None-Match'] = subscription.etag;
    if (subscription.lastModified) headers['If-Modified-Since'] = subscription.lastModified;
    const response = await this.get(subscription.url, headers);
    if (response.status === 304) return { kind: 'unchanged' };
    if (response.status !== 200) throw new BadInputError(`the feed answered ${response.status}`);
    const parsed = FeedSchema.safeParse(parseJson(await readCapped(response, FEED_BYTES_MAX)));
    if (!parsed.success) throw new BadInputError('the feed is not a JSON Feed');
    const lessons: CommonsLesson[] = [];
    const seen = new Set<string>();
    const why = new Set<string>();
    let refused = 0;
    for (const item of parsed.data.items) {
      const checked = seen.has(item.id)
        ? { refused: 'an id the feed repeats' }
        : verifiedItem(item.id, item._aiprocure, subscription);
      if ('refused' in checked) {
        refused += 1;
        why.add(checked.refused);
      } else if (lessons.length < FEED_MAX_ITEMS) {
        seen.add(item.id);
        lessons.push(checked.lesson);
      }
    }
    const etag = response.headers.get('etag')?.slice(0, 200);
    const lastModified = response.headers.get('last-modified')?.slice(0, 100);
    return {
      kind: 'changed',
      lessons,
      refused,
      ...(why.size ? { refusedWhy: [...why].join('; ').slice(0, 300) } : {}),
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
    };
  }

  private async get(url: string, headers: Record<string, string>): Promise<Response> {
    const address = this.options.publicOnly ? await this.publicAddress(url) : undefined;
    const all = { Accept: 'application/feed+json, application/json', ...headers };
    try {
      // The checked address is the one connected to: a DNS answer that changes in between (rebinding) is not used.
      if (address) return await pinnedGet(new URL(url), address, all, this.options.timeoutMs);
      return await (this.options.fetch ?? fetch)(url, {
        headers: all,
        // A feed that redirects could send the bot anywhere; a publisher gives its final address.
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new BadInputError(
        timedOut ? `${url} did not answer within ${this.options.timeoutMs / 1000} s` : `${url} could not be reached`,
      );
    }
  }

  /** The address to connect to; a host with any internal address is refused. */
  private async publicAddress(url: string): Promise<string> {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await (this.options.lookup ?? defaultLookup)(host);
    } catch {
      throw new BadInputError(`${new URL(url).host} could not be found`);
    }
    const internal = this.options.internal ?? isInternalAddress;
    const first = addresses[0];
    if (!first) throw new BadInputError(`${new URL(url).host} could not be found`);
    if (addresses.some(internal)) {
      throw new BadInputError(`${new URL(url).host} is an internal address: feeds are read from the internet only`);
    }
    return first;
  }
}

/**
 * A GET to `address`, for `url`'s host (its Host header, and its name for TLS, so the certificate is checked against
 * it). No redirects; the whole exchange, body included, within `timeoutMs`.
 */
function pinnedGet(url: URL, address: string, headers: Record<string, string>, timeoutMs: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const request = (secure ? httpsRequest : httpRequest)(
      {
        host: address,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { ...headers, Host: url.host },
        ...(secure && !isIP(url.hostname) ? { servername: url.hostname } : {}),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && status !== 304) {
          response.resume();
          reject(new Error(`redirected (${status})`));
          return;
        }
        const out = new Headers();
        for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
          out.append(response.rawHeaders[i] ?? '', response.rawHeaders[i + 1] ?? '');
        }
        response.on('close', () => clearTimeout(timer));
        const body = status === 304 || status === 204 ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
        if (!body) response.resume();
        try {
          resolve(new Response(body, { status, headers: out }));
        } catch (error) {
          // A status no Response can carry: nothing to read.
          response.destroy();
          reject(error);
        }
      },
    );
    const timer = setTimeout(
      () => request.destroy(Object.assign(new Error('timed out'), { name: 'TimeoutError' })),
      timeoutMs,
    );
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end();
  });
}

async function defaultLookup(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((a) => a.address);
}

/** An item kept only when its signature holds with the pinned key, and only the part the signature covers. */
export function verifiedItem(
  id: string,
  raw: unknown,
  pinned: Pick<Subscription, 'publicKey' | 'keyId' | 'org'>,
): { lesson: CommonsLesson } | { refused: string } {
  const parsed = SignedSchema.safeParse(raw);
  if (!parsed.success) return { refused: 'unreadable item' };
  const s = parsed.data;
  if (s.id !== id) return { refused: 'item id does not match its signed id' };
  if (s.key_id !== pinned.keyId) return { refused: 'signed with another key' };
  if (s.org !== pinned.org) return { refused: 'signed for another organisation' };
  if (!verifyValue(pinned.publicKey, signedPart(s), s.signature)) return { refused: 'bad signature' };
  return {
    lesson: {
      id: s.id,
      happened: s.happened,
      differently: s.differently,
      tags: s.tags,
      at: s.published,
      source: pinned.org,
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The body, refused past `max` bytes without reading further. */
async function readCapped(response: Response, max: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > max) throw new BadInputError(`the feed is larger than ${max / 1024 / 1024} MB`);
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch {
      // Cut off, or out of time, while the body came.
      throw new BadInputError('the feed stopped answering part way');
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new BadInputError(`the feed is larger than ${max / 1024 / 1024} MB`);
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
