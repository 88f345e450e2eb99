import { randomBytes } from 'node:crypto';
import type { Application } from 'express';
import { z } from 'zod';
import { type Records, tenantKey } from '../store/records.js';

const FileSchema = z.object({ filename: z.string(), content: z.string(), type: z.string() });
const TTL_MS = 24 * 3600 * 1000;

/**
 * Files offered by link where a chat platform takes no bot uploads (Teams channels): kept in the store for a day,
 * under an unguessable token, served at GET /downloads/<tenant>/<token>. Any replica can serve any link.
 */
export class Downloads {
  constructor(
    private readonly records: Records,
    /** The service's public base URL (PUBLIC_URL; http://localhost:<port> in local mode). */
    private readonly baseUrl: () => string | undefined,
  ) {}

  get available(): boolean {
    return Boolean(this.baseUrl());
  }

  async offer(tenant: string, file: { filename: string; content: string; type?: string }): Promise<string> {
    const base = this.baseUrl();
    if (!base) throw new Error('no public URL to offer a download from (set PUBLIC_URL)');
    const token = randomBytes(18).toString('base64url');
    await this.records.set(key(tenant, token), { type: 'application/json', ...file }, TTL_MS);
    return `${base.replace(/\/$/, '')}/downloads/${encodeURIComponent(tenant)}/${token}`;
  }

  route(app: Application): void {
    app.get('/downloads/:tenant/:token', async (req, res) => {
      const { tenant, token } = req.params;
      if (!/^[\w-]{1,100}$/.test(tenant) || !/^[\w-]{24}$/.test(token)) {
        res.status(404).end();
        return;
      }
      try {
        const file = await this.records.get(key(tenant, token), FileSchema);
        if (!file) {
          res.status(404).type('text/plain').send('This link has expired. Export the contract again.');
          return;
        }
        res
          .status(200)
          .type(file.type)
          .attachment(file.filename.replace(/[^\w.-]/g, '_'))
          .send(file.content);
      } catch {
        res.status(503).type('text/plain').send('Temporarily unavailable.');
      }
    });
  }
}

function key(tenant: string, token: string): string {
  return tenantKey(tenant, 'download', token);
}
