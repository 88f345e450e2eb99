/**
 * Finding lessons: MiniSearch, a small full-text index with BM25-style relevance ranking, prefix matching and
 * fuzzy (edit-distance) matching, in memory, no native code and no server, which suits one tenant's few thousand
 * lessons on every backend the bot runs on (SQLite, Redis, PostgreSQL alike). SQLite FTS5 would tie search to one
 * backend.
 */
import MiniSearch from 'minisearch';
import type { UserRef } from '../view.js';
import type { Lesson } from './lesson.js';

/** What search reads: a lesson of the tenant's own, or one from a subscribed feed (`source`, its organisation). */
export type Searchable = Pick<Lesson, 'id' | 'happened' | 'differently' | 'tags' | 'at'> & {
  by?: UserRef;
  link?: string;
  source?: string;
  /** Unique among everything searched (a subscribed lesson's feed and id); the lesson's id when absent. */
  key?: string;
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
/** Words a search looks for: each is a walk of the index. */
const QUERY_WORDS = 12;

const matches = (l: Searchable, filters: LessonFilters) =>
  (!filters.supplier || (l.tags.supplier ?? '').toLowerCase().includes(filters.supplier.toLowerCase())) &&
  (!filters.domain || l.tags.domains.includes(filters.domain)) &&
  (!filters.technique || l.tags.technique === filters.technique) &&
  (!filters.tier || l.tags.tier === filters.tier) &&
  (!filters.stage || l.tags.stage === filters.stage) &&
  (!filters.outcome || l.tags.outcome === filters.outcome);

const keyOf = (l: Searchable) => l.key ?? l.id;

/**
 * An index over some lessons, built once: the tenant's own are indexed per search (few, and findable the moment
 * they are saved); subscribed lessons are indexed once per change of their feeds, each field cut to `fieldMax`
 * characters, so a feed of odd words costs its index once, not every search.
 */
export class LessonIndex<T extends Searchable> {
  private readonly index = new MiniSearch<{ id: string; happened: string; differently: string; supplier: string }>({
    fields: ['happened', 'differently', 'supplier'],
    storeFields: ['id'],
    // Prefixes from three letters, typos from four, two edits at most: a query of single letters, or a large
    // vocabulary (a feed of odd words), stays cheap.
    searchOptions: {
      boost: { differently: 1.2 },
      prefix: (term) => term.length >= 3,
      fuzzy: (term) => (term.length >= 4 ? 0.25 : false),
      maxFuzzy: 2,
      combineWith: 'OR',
    },
  });
  private readonly byKey: Map<string, T>;

  constructor(
    readonly lessons: readonly T[],
    fieldMax = Number.POSITIVE_INFINITY,
  ) {
    this.byKey = new Map(lessons.map((l) => [keyOf(l), l]));
    this.index.addAll(
      [...this.byKey.values()].map((l) => ({
        id: keyOf(l),
        happened: l.happened.slice(0, fieldMax),
        differently: l.differently.slice(0, fieldMax),
        supplier: l.tags.supplier ?? '',
      })),
    );
  }

  search(words: string): { lesson: T; score: number }[] {
    return this.index.search(words).flatMap((hit) => {
      const lesson = this.byKey.get(String(hit.id));
      return lesson ? [{ lesson, score: hit.score }] : [];
    });
  }
}

/** Ranked by relevance across the lessons and the prebuilt indexes; with no words, newest first. */
export function searchLessons<T extends Searchable>(
  lessons: readonly T[],
  query: string,
  filters: LessonFilters = {},
  indexes: readonly LessonIndex<T>[] = [],
): T[] {
  const words = query.slice(0, QUERY_MAX).trim().split(/\s+/).slice(0, QUERY_WORDS).join(' ');
  if (!words) {
    return [...lessons, ...indexes.flatMap((i) => i.lessons)]
      .filter((l) => matches(l, filters))
      .sort((a, b) => b.at.localeCompare(a.at));
  }
  return [new LessonIndex(lessons.filter((l) => matches(l, filters))), ...indexes]
    .flatMap((index) => index.search(words))
    .filter((hit) => matches(hit.lesson, filters))
    .sort((a, b) => b.score - a.score)
    .map((hit) => hit.lesson);
}
