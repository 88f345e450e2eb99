import { z } from 'zod';
import type { PackRepository } from '../core/ports.js';
import { parsePack } from '../core/triage/pack-loader.js';
import type { Pack } from '../core/triage/pack-schema.js';
import type { Records } from './records.js';

const SnapshotSchema = z.object({ source: z.string(), text: z.string() });

/**
 * Packs are stored by content hash the first time a dialogue uses them, so editing the YAML (or deploying a
 * new version) never changes the questions of a dialogue already under way. Packs are shared content, not
 * tenant data, so they live under `sys:`.
 */
export class KeyvPackRepository implements PackRepository {
  private readonly cache = new Map<string, Pack>();
  private readonly stored = new Set<string>();

  constructor(
    private readonly records: Records,
    private readonly active: { pack: Pack; text: string; source: string },
  ) {
    this.cache.set(active.pack.hash, active.pack);
  }

  current(): Pack {
    return this.active.pack;
  }

  async byHash(hash: string): Promise<Pack | undefined> {
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const snapshot = await this.records.get(`sys:pack:${hash}`, SnapshotSchema);
    if (!snapshot) return undefined;
    const pack = parsePack(snapshot.text, snapshot.source);
    this.cache.set(hash, pack);
    return pack;
  }

  async remember(pack: Pack): Promise<void> {
    if (this.stored.has(pack.hash)) return;
    if (pack.hash === this.active.pack.hash) {
      await this.records.set(`sys:pack:${pack.hash}`, { source: this.active.source, text: this.active.text });
    }
    this.stored.add(pack.hash);
  }
}
