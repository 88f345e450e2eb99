/**
 * `npm run bench:search`: what a hostile feed costs search. 500 subscribed lessons of random words (the worst
 * vocabulary a feed can bring): the time to build their index (once per change of the feeds) and per search.
 * Reports figures; asserts nothing.
 */
import { LessonIndex, type Searchable, searchLessons } from '../../src/core/lessons/search.js';

const word = () => Math.random().toString(36).slice(2, 9);
const text = () => Array.from({ length: 280 }, word).join(' ').slice(0, 2000);
const lessons: Searchable[] = Array.from({ length: 500 }, (_, i) => ({
  id: `L-${String(i).padStart(6, '0')}`,
  key: `feed|${i}`,
  happened: text(),
  differently: text(),
  tags: { domains: [], stage: 'live', outcome: 'failed' },
  at: '2026-01-01T00:00:00.000Z',
  source: 'A hostile feed',
}));

let started = performance.now();
const index = new LessonIndex(lessons, 500);
console.log(`index of ${lessons.length} lessons of random words: ${Math.round(performance.now() - started)} ms`);
for (const query of ['fraud scoring model', 'abcdefghij klmnopqrst uvwxyzabcd efghijklmn', 'a b c d e f g h i j k l']) {
  started = performance.now();
  const found = searchLessons([], query, {}, [index]).length;
  console.log(`"${query}": ${found} found in ${Math.round(performance.now() - started)} ms`);
}
