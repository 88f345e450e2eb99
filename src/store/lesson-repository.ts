import { type Lesson, LessonSchema } from '../core/lessons/lesson.js';
import { loadPaged, type Records, tenantKey } from './records.js';
import { allMembers } from './sets.js';

/** Lessons, one record each, with the tenant's id set (search reads them all, a page at a time). */
export class KeyvLessonRepository {
  constructor(private readonly records: Records) {}

  get(tenant: string, id: string): Promise<Lesson | undefined> {
    return this.records.get(tenantKey(tenant, 'lesson', id), LessonSchema);
  }

  async save(lesson: Lesson): Promise<void> {
    LessonSchema.parse(lesson);
    await this.records.sets.add(tenantKey(lesson.tenant, 'lessons'), [{ member: lesson.id, score: 0 }]);
    await this.records.set(tenantKey(lesson.tenant, 'lesson', lesson.id), lesson);
  }

  async remove(tenant: string, id: string): Promise<void> {
    await this.records.sets.remove(tenantKey(tenant, 'lessons'), [id]);
    await this.records.delete(tenantKey(tenant, 'lesson', id));
  }

  async listByTenant(tenant: string): Promise<Lesson[]> {
    const ids = await allMembers(this.records.sets, tenantKey(tenant, 'lessons'));
    return loadPaged(this.records, ids, (id) => tenantKey(tenant, 'lesson', id), LessonSchema);
  }
}
