/**
 * The commons feed: `GET /commons/feed.json`, a JSON Feed 1.1 of the lessons shared here, newest first, each item
 * signed with the organisation's Ed25519 key (`_aiprocure.signature`, over the canonical JSON of `signedPart`), and
 * `GET /commons/key`, the key's public half. Both are public and carry no names: who shared a lesson stays here.
 * Conditional GETs are answered with 304 (ETag, Last-Modified), so subscribers pulling on a schedule cost little.
 */
import { createHash } from 'node:crypto';
import type { Application, Request, Response } from 'express';
import type { LessonTags, SharedLesson } from '../core/lessons/commons.js';
import { type CommonsKeys, signValue } from './signing.js';

export const FEED_VERSION = 'https://jsonfeed.org/version/1.1';
export const FEED_PATH = '/commons/feed.json';
export const KEY_PATH = '/commons/key';

/** The feed's and the key's public addresses under the service's base URL (none without one). */
export function commonsUrls(base: string | undefined): { feedUrl?: string; keyUrl?: string } {
  const root = base?.replace(/\/$/, '');
  return root ? { feedUrl: `${root}${FEED_PATH}`, keyUrl: `${root}${KEY_PATH}` } : {};
}

/** What each item's signature covers: everything a subscriber keeps of it. */
export function signedPart(item: {
  id: string;
  org: string;
  published: string;
  happened: string;
  differently: string;
  tags: LessonTags;
}) {
  return {
    v: 1,
    id: item.id,
    org: item.org,
    published: item.published,
    happened: item.happened,
    differently: item.differently,
    tags: item.tags,
  };
}

/** Tags as JSON Feed readers show them ("stage:live", "domain:benefits"). */
function tagList(tags: LessonTags): string[] {
  return [
    `outcome:${tags.outcome}`,
    `stage:${tags.stage}`,
    ...tags.domains.map((d) => `domain:${d}`),
    ...(tags.technique ? [`technique:${tags.technique}`] : []),
    ...(tags.tier ? [`tier:${tags.tier}`] : []),
    ...(tags.supplier ? [`supplier:${tags.supplier}`] : []),
  ];
}

export async function buildFeed(input: {
  org: string;
  feedUrl?: string;
  keyUrl?: string;
  shared: SharedLesson[];
  keys: CommonsKeys;
}) {
  const key = await input.keys.get();
  return {
    version: FEED_VERSION,
    title: `${input.org}: lessons from buying AI`,
    description:
      'Lessons public bodies learned buying and running AI systems, shared after review. Each item is signed (Ed25519); the key is at /commons/key.',
    ...(input.feedUrl ? { feed_url: input.feedUrl } : {}),
    authors: [{ name: input.org }],
    language: 'en',
    _aiprocure: { v: 1, org: input.org, key_id: key.keyId, ...(input.keyUrl ? { key_url: input.keyUrl } : {}) },
    items: input.shared.map((s) => {
      const part = signedPart({ ...s, org: input.org, published: s.sharedAt });
      return {
        id: s.id,
        title: s.happened.slice(0, 80),
        content_text: `${s.happened}\n\nWhat we would do differently: ${s.differently}`,
        date_published: s.sharedAt,
        tags: tagList(s.tags),
        authors: [{ name: input.org }],
        _aiprocure: {
          ...part,
          key_id: key.keyId,
          signature: signValue(key.privateKey, part),
        },
      };
    }),
  };
}

export interface FeedSource {
  org?: string;
  baseUrl: () => string | undefined;
  newest: () => Promise<SharedLesson[]>;
  keys: CommonsKeys;
}

export function commonsRoutes(app: Application, source: FeedSource, onError: (error: unknown) => void): void {
  const off = (res: Response) =>
    res.status(404).type('application/json').send({ error: 'This deployment publishes no commons feed.' });

  app.get(KEY_PATH, async (_req, res) => {
    if (!source.org) return off(res);
    try {
      const key = await source.keys.get();
      res
        .status(200)
        .set('Cache-Control', 'public, max-age=300')
        .type('application/json')
        .send({ v: 1, org: source.org, alg: 'Ed25519', key_id: key.keyId, public_key: key.publicPem });
    } catch (error) {
      onError(error);
      res.status(503).type('text/plain').send('Temporarily unavailable.');
    }
  });

  app.get(FEED_PATH, async (req, res) => {
    if (!source.org) return off(res);
    try {
      const shared = await source.newest();
      const body = JSON.stringify(
        await buildFeed({ org: source.org, ...commonsUrls(source.baseUrl()), shared, keys: source.keys }),
      );
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      const newest = shared.reduce((max, s) => Math.max(max, Date.parse(s.sharedAt)), 0);
      // HTTP dates are whole seconds; a lesson shared within the same second still changes the ETag.
      const lastModified = new Date(Math.floor(newest / 1000) * 1000).toUTCString();
      res.set({ ETag: etag, 'Last-Modified': lastModified, 'Cache-Control': 'public, max-age=60' });
      if (notModified(req, etag, newest)) {
        res.status(304).end();
        return;
      }
      res.status(200).type('application/feed+json; charset=utf-8').send(body);
    } catch (error) {
      onError(error);
      res.status(503).type('text/plain').send('Temporarily unavailable.');
    }
  });
}

/** If-None-Match wins over If-Modified-Since, as RFC 9110 says. */
function notModified(req: Request, etag: string, newestMs: number): boolean {
  const match = req.get('If-None-Match');
  if (match !== undefined) {
    return match
      .slice(0, 2000)
      .split(',')
      .some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*');
  }
  const since = req.get('If-Modified-Since');
  if (since === undefined) return false;
  const sinceMs = Date.parse(since.slice(0, 100));
  return Number.isFinite(sinceMs) && Math.floor(newestMs / 1000) * 1000 <= sinceMs;
}
