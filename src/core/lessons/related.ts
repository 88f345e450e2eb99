/**
 * Which lessons a finished triage should be offered: those about the same kind of system (a domain in common, or
 * the same technique) or about a supplier the triage's title names. Newest first.
 */
import type { Lesson } from './lesson.js';

export interface TriageTags {
  domains: readonly string[];
  technique?: string;
  /** The triage's title, where buyers usually name the product and its supplier. */
  title: string;
}

/** A supplier tag shorter than this would match by accident ("AI", "Co"). */
const SUPPLIER_MIN = 3;

export function relatedLessons(lessons: readonly Lesson[], tags: TriageTags): Lesson[] {
  const title = tags.title.slice(0, 500).toLowerCase();
  const domains = new Set(tags.domains);
  return lessons
    .filter((l) => {
      const supplier = (l.tags.supplier ?? '').trim().toLowerCase();
      return (
        l.tags.domains.some((d) => domains.has(d)) ||
        (tags.technique !== undefined && l.tags.technique === tags.technique) ||
        (supplier.length >= SUPPLIER_MIN && title.includes(supplier))
      );
    })
    .sort((a, b) => b.at.localeCompare(a.at));
}
