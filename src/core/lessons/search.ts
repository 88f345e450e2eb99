/**
 * Finding lessons: MiniSearch, a small full-text index with BM25-style relevance ranking, prefix matching and
 * fuzzy (edit-distance) matching, in memory, no native code and no server, which suits one tenant's few thousand
 * lessons on every backend the bot runs on (SQLite, Redis, PostgreSQL alike). SQLite FTS5 would tie search to one
 * backend. The index is built per search from the tenant's lessons, so a lesson is findable the moment it is saved.
 */
import MiniSearch from 'minisearch';
import type { UserRef } from '../view.js';
import type { Lesson } from './lesson.js';

/** What search reads: a lesson of the tenant's own, or one from a subscribed feed (`source`, its organisation). */
export type Searchable = Pick<Lesson, 'id' | 'happened' | 'differently' | 'tags' | 'at'> & {
  by?: UserRef;
  link?: string;
  source?: string;
};

export interface LessonFilters {
  supplier?: string;
  domain?: string;
  technique?: string;
  tier?: string;
  stage?: string;
  outcome?: string;
}

/** The words people type, capped before anything reads them. */
export const QUERY_MAX = 200;

export function searchLessons<T extends Searchable>(
  lessons: readonly T[],
  query: string,
  filters: LessonFilters = {},
): T[] {
  const matches = (l: T) =>
    (!filters.supplier || (l.tags.supplier ?? '').toLowerCase().includes(filters.supplier.toLowerCase())) &&
    (!filters.domain || l.tags.domains.includes(filters.domain)) &&
    (!filters.technique || l.tags.technique === filters.technique) &&
    (!filters.tier || l.tags.tier === filters.tier) &&
    (!filters.stage || l.tags.stage === filters.stage) &&
    (!filters.outcome || l.tags.outcome === filters.outcome);
  const pool = lessons.filter(matches);
  const words = query.slice(0, QUERY_MAX).trim();
  if (!words) return [...pool].sort((a, b) => b.at.localeCompare(a.at));
  const index = new MiniSearch<{ id: string; happened: string; differently: string; supplier: string }>({
    fields: ['happened', 'differently', 'supplier'],
    storeFields: ['id'],
    searchOptions: { boost: { differently: 1.2 }, prefix: true, fuzzy: 0.25, combineWith: 'OR' },
  });
  // A subscribed lesson may carry an id one of ours has: the index keys each by its source too.
  const key = (l: T) => `${l.source ?? ''}|${l.id}`;
  index.addAll(
    pool.map((l) => ({
      id: key(l),
      happened: l.happened,
      differently: l.differently,
      supplier: l.tags.supplier ?? '',
    })),
  );
  const byId = new Map(pool.map((l) => [key(l), l]));
  return index.search(words).flatMap((hit) => {
    const lesson = byId.get(String(hit.id));
    return lesson ? [lesson] : [];
  });
}
