import type { AccessService } from '../access/access.js';
import { type Actor, person } from '../access/roles.js';
import type { ContractRepository } from '../contracts/ports.js';
import { BadInputError } from '../errors.js';
import { type FieldErrors, listValue, textValue, tooLong } from '../form-values.js';
import type { History } from '../history/recorder.js';
import { freeShortId, newShortId } from '../ids.js';
import type { Clock, DialogueRepository, PackRepository, RecordBirths, RelatedLessons } from '../ports.js';
import type { ProcurementRepository } from '../procurement/ports.js';
import { systemTags } from '../triage/answers.js';
import { type Dialogue, dialogueOutcome, packOf } from '../triage/dialogue.js';
import { TIERS } from '../triage/types.js';
import type { FormValues, FormView, View } from '../view.js';
import { LESSON_OPEN, LESSON_RELATED, LessonOpenSchema, LessonRelatedSchema } from './actions.js';
import { LESSON_OUTCOMES, LESSON_STAGES, LESSON_TEXT_MAX, type Lesson, TAG_MAX } from './lesson.js';
import { relatedLessons } from './related.js';
import { type LessonFilters, type LessonIndex, QUERY_MAX, type Searchable, searchLessons } from './search.js';
import { type LessonPrefill, lessonForm, lessonSavedView, lessonsView, packOptions } from './views.js';

export interface LessonStore {
  get(tenant: string, id: string): Promise<Lesson | undefined>;
  save(lesson: Lesson): Promise<void>;
  listByTenant(tenant: string): Promise<Lesson[]>;
}

export interface LessonDeps {
  lessons: LessonStore;
  procurements: ProcurementRepository;
  /** A lesson about a contract is tagged from it: its supplier, and its triage's tags. */
  contracts?: Pick<ContractRepository, 'get'>;
  dialogues: DialogueRepository;
  packs: PackRepository;
  history: History;
  access: AccessService;
  clock: Clock;
  /** Tells the lifecycle of a new lesson, so its retention is tracked. */
  births?: RecordBirths;
  /** Lessons from the feeds the tenant subscribes to, verified, indexed, shown in search marked with their organisation. */
  subscribed?: { indexFor(tenant: string): Promise<LessonIndex<Searchable> | undefined> };
}

export type LessonReply = { kind: 'form'; form: FormView } | { kind: 'view'; view: View };

export type LessonOutcome = { ok: true; confirmation: View } | { ok: false; form: FormView };

/** Lessons colleagues can find: recorded by anyone who may triage, searched within the tenant. */
export class LessonService implements RelatedLessons {
  constructor(private readonly deps: LessonDeps) {}

  /** For the triage's summary: how many lessons are about the same kind of system. */
  async count(dialogue: Dialogue): Promise<number> {
    return (await this.relatedTo(dialogue)).length;
  }

  private async relatedTo(dialogue: Dialogue): Promise<Lesson[]> {
    const lessons = await this.deps.lessons.listByTenant(dialogue.tenant);
    return relatedLessons(lessons, { ...systemTags(dialogue.answers), title: dialogue.title });
  }

  async formFor(tenant: string, by: Actor, link?: string, stage?: Lesson['tags']['stage']): Promise<FormView> {
    await this.deps.access.require(tenant, by, 'triage');
    const prefill = link ? await this.prefill(tenant, link) : {};
    return lessonForm(this.deps.packs.current(), { ...prefill, ...(stage ? { stage } : {}) });
  }

  async save(tenant: string, by: Actor, values: FormValues): Promise<LessonOutcome> {
    await this.deps.access.require(tenant, by, 'triage');
    const pack = this.deps.packs.current();
    const errors: FieldErrors = {};
    const required = (id: string, what: string) => {
      const v = textValue(values, id);
      if (!v) errors[id] = what;
      const long = tooLong(v, LESSON_TEXT_MAX, 'it');
      if (long) errors[id] = long;
      return v;
    };
    const happened = required('happened', 'Say what happened.');
    const differently = required('differently', 'Say what you would do differently.');
    const supplier = textValue(values, 'supplier');
    if (supplier.length > TAG_MAX) errors.supplier = `Keep the supplier under ${TAG_MAX} characters.`;
    const domainIds = new Set(packOptions(pack, 'domains').map((o) => o.id));
    const domains = listValue(values, 'domains').filter((d) => domainIds.has(d));
    const technique = textValue(values, 'technique');
    const techniques = new Set(packOptions(pack, 'technique').map((o) => o.id));
    const tier = textValue(values, 'tier');
    const stage = textValue(values, 'stage');
    const outcome = textValue(values, 'outcome');
    if (!(LESSON_STAGES as readonly string[]).includes(stage)) errors.stage = 'Choose the stage.';
    if (!(LESSON_OUTCOMES as readonly string[]).includes(outcome)) errors.outcome = 'Choose how it turned out.';
    const link = textValue(values, 'link').toUpperCase();
    if (link && !/^[PC]-[0-9A-HJKMNP-TV-Z]{6}$/.test(link))
      errors.link = 'Give a procurement (P-…) or contract (C-…) id.';
    if (Object.keys(errors).length) return { ok: false, form: lessonForm(pack, {}, errors, values) };
    const id = await freeShortId(
      () => newShortId('L'),
      async (x) => (await this.deps.lessons.get(tenant, x)) !== undefined,
      'lesson',
    );
    const lesson: Lesson = {
      v: 1,
      id,
      tenant,
      happened,
      differently,
      tags: {
        ...(supplier ? { supplier } : {}),
        domains,
        ...(techniques.has(technique) ? { technique } : {}),
        ...((TIERS as readonly string[]).includes(tier) ? { tier: tier as Lesson['tags']['tier'] } : {}),
        stage: stage as Lesson['tags']['stage'],
        outcome: outcome as Lesson['tags']['outcome'],
      },
      ...(link ? { link } : {}),
      by: person(by),
      at: this.deps.clock.now().toISOString(),
    };
    await this.deps.history.record(tenant, `lesson:${id}`, by, 'lesson.recorded', { tags: lesson.tags, link });
    await this.deps.lessons.save(lesson);
    await this.deps.births?.born('lesson', tenant, id);
    return { ok: true, confirmation: lessonSavedView(lesson) };
  }

  /**
   * "Record a lesson" on a message: the form, tagged from the procurement or contract it names. "N lessons from
   * colleagues" on a triage's summary: those lessons, read within the clicker's tenant only.
   */
  async dispatch(tenant: string, by: Actor, actionId: string, payload: unknown): Promise<LessonReply | undefined> {
    if (actionId === LESSON_OPEN) {
      const parsed = LessonOpenSchema.safeParse(payload);
      if (!parsed.success) throw unreadable();
      return { kind: 'form', form: await this.formFor(tenant, by, parsed.data.l, parsed.data.s) };
    }
    if (actionId !== LESSON_RELATED) return undefined;
    const parsed = LessonRelatedSchema.safeParse(payload);
    if (!parsed.success) throw unreadable();
    await this.deps.access.require(tenant, by, 'read');
    const dialogue = await this.deps.dialogues.get(tenant, parsed.data.d);
    if (!dialogue) throw new BadInputError('That triage is no longer here.');
    return { kind: 'view', view: lessonsView(await this.relatedTo(dialogue), '', dialogue.title) };
  }

  /** `lessons <words> [tag:value …]`: ranked, typo-tolerant, within the tenant. */
  async search(tenant: string, by: Actor, raw: string): Promise<View> {
    await this.deps.access.require(tenant, by, 'read');
    if (raw.length > QUERY_MAX * 2) throw new BadInputError(`Keep a search under ${QUERY_MAX} characters.`);
    const { words, filters } = parseQuery(raw);
    const [own, subscribed] = await Promise.all([
      this.deps.lessons.listByTenant(tenant),
      this.deps.subscribed?.indexFor(tenant),
    ]);
    const found = searchLessons<Searchable>(own, words, filters, subscribed ? [subscribed] : []);
    return lessonsView(found, raw.trim());
  }

  /**
   * Tags from the procurement or contract a lesson is about: its triage's domains, technique and tier, and a
   * contract's supplier.
   */
  private async prefill(tenant: string, link: string): Promise<LessonPrefill> {
    const contract = link.startsWith('C-') ? await this.deps.contracts?.get(tenant, link) : undefined;
    const supplier = contract ? { supplier: contract.supplier.slice(0, TAG_MAX) } : {};
    const dialogueId = link.startsWith('P-')
      ? (await this.deps.procurements.get(tenant, link))?.dialogueId
      : contract?.triage?.dialogueId;
    const dialogue = dialogueId ? await this.deps.dialogues.get(tenant, dialogueId) : undefined;
    if (!dialogue) return { link, ...supplier };
    const pack = await packOf(this.deps.packs, dialogue);
    return { link, ...supplier, ...systemTags(dialogue.answers), tier: dialogueOutcome(pack, dialogue).tier };
  }
}

const unreadable = () => new BadInputError('That button could not be read. Please use the latest message.');

const FILTER_KEYS = ['supplier', 'domain', 'technique', 'tier', 'stage', 'outcome'] as const;

/** "fraud scoring supplier:acme stage:live" → the words, and the tag filters. */
export function parseQuery(raw: string): { words: string; filters: LessonFilters } {
  const filters: LessonFilters = {};
  const words: string[] = [];
  for (const token of raw
    .slice(0, QUERY_MAX * 2)
    .split(/\s+/)
    .filter(Boolean)) {
    const colon = token.indexOf(':');
    const key = colon > 0 ? token.slice(0, colon).toLowerCase() : '';
    if ((FILTER_KEYS as readonly string[]).includes(key) && colon < token.length - 1) {
      filters[key as (typeof FILTER_KEYS)[number]] = token.slice(colon + 1).toLowerCase();
    } else words.push(token);
  }
  return { words: words.join(' '), filters };
}
