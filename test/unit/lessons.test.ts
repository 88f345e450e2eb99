/** Lesson search: relevance ranking, tolerance of typos, tag filters, and the query language. */
import { describe, expect, it } from 'vitest';
import type { Lesson } from '../../src/core/lessons/lesson.js';
import { relatedLessons } from '../../src/core/lessons/related.js';
import { searchLessons } from '../../src/core/lessons/search.js';
import { parseQuery } from '../../src/core/lessons/service.js';

const lesson = (id: string, happened: string, differently: string, tags: Partial<Lesson['tags']> = {}): Lesson => ({
  v: 1,
  id,
  tenant: 't',
  happened,
  differently,
  tags: { domains: [], stage: 'live', outcome: 'failed', ...tags },
  by: { id: 'UANA' },
  at: `2026-0${id.endsWith('1') ? 1 : 2}-01T00:00:00.000Z`,
});

const LESSONS = [
  lesson(
    'L-000001',
    'The fraud scoring model flagged disabled claimants twice as often',
    'Ask for subgroup results before award',
    {
      supplier: 'Acme Analytics',
      domains: ['benefits'],
      stage: 'live',
    },
  ),
  lesson('L-000002', 'The chatbot gave wrong council tax advice', 'Test answers against our own policy pages', {
    supplier: 'Talkly',
    stage: 'award',
    outcome: 'near-miss',
  }),
  lesson(
    'L-000003',
    'Scoring thresholds were changed by the supplier without notice',
    'Put change control (C11) in the contract',
    {
      supplier: 'Acme Analytics',
      stage: 'live',
    },
  ),
];

describe('searching lessons', () => {
  it('ranks by relevance and tolerates typos', () => {
    expect(searchLessons(LESSONS, 'frawd scorng').map((l) => l.id)[0]).toBe('L-000001');
    expect(searchLessons(LESSONS, 'chatbott').map((l) => l.id)).toEqual(['L-000002']);
    expect(searchLessons(LESSONS, 'xyzzy plugh')).toEqual([]);
  });

  it('filters on the tags, and lists the newest first with no words', () => {
    expect(
      searchLessons(LESSONS, 'scoring', { stage: 'live', supplier: 'acme' })
        .map((l) => l.id)
        .sort(),
    ).toEqual(['L-000001', 'L-000003']);
    expect(searchLessons(LESSONS, '', { outcome: 'near-miss' }).map((l) => l.id)).toEqual(['L-000002']);
    expect(searchLessons(LESSONS, '', { domain: 'benefits' }).map((l) => l.id)).toEqual(['L-000001']);
  });

  it('matches prefixes from three letters and typos from four, so a query of letters walks nothing', () => {
    expect(
      searchLessons(LESSONS, 'cha')
        .map((l) => l.id)
        .sort(),
    ).toEqual(['L-000002', 'L-000003']);
    expect(searchLessons(LESSONS, 'ch')).toEqual([]);
    expect(searchLessons(LESSONS, 'a b c d e f g h i j k l m n o p')).toEqual([]);
    expect(searchLessons(LESSONS, 'modl').map((l) => l.id)).toEqual(['L-000001']);
  });

  it('reads words and tag:value filters from what was typed, capped first', () => {
    expect(parseQuery('fraud scoring supplier:Acme stage:live')).toEqual({
      words: 'fraud scoring',
      filters: { supplier: 'acme', stage: 'live' },
    });
    expect(parseQuery('http://x: colour:red').words).toBe('http://x: colour:red');
    expect(parseQuery('a '.repeat(5000)).words.length).toBeLessThanOrEqual(400);
  });
});

describe('lessons offered at the end of a triage', () => {
  const ids = (tags: Parameters<typeof relatedLessons>[1]) => relatedLessons(LESSONS, tags).map((l) => l.id);

  it('offers lessons with a domain in common, the same technique, or a supplier the title names', () => {
    expect(ids({ domains: ['benefits', 'housing'], title: 'Claims triage' })).toEqual(['L-000001']);
    expect(ids({ domains: [], title: 'Talkly for the contact centre' })).toEqual(['L-000002']);
    expect(ids({ domains: [], title: 'ACME ANALYTICS renewal' })).toEqual(['L-000003', 'L-000001']);
    const technique = [lesson('L-000009', 'x', 'y', { technique: 'llm' })];
    expect(relatedLessons(technique, { domains: [], technique: 'llm', title: '' }).map((l) => l.id)).toEqual([
      'L-000009',
    ]);
  });

  it('offers nothing about another kind of system, and no match on a two-letter supplier', () => {
    expect(ids({ domains: ['health'], technique: 'rules', title: 'Clinic booking' })).toEqual([]);
    const short = [lesson('L-000008', 'x', 'y', { supplier: 'AI' })];
    expect(relatedLessons(short, { domains: [], title: 'AI chatbot' })).toEqual([]);
  });
});
