/**
 * A Dutch Algoritmeregister entry (publicatiestandaard 1.0), field keys as the standard names them. Choices are the
 * register's own Dutch values; free text the bot fills is English, and each such field's to-do is to write it in
 * Dutch at language level B1. Question and option ids are the default pack's.
 */
import { type Draft, type DraftField, known, todo } from './draft.js';
import { answerField, chosen, type Facts, goLiveOf, itemStatus, lifecycleOf } from './facts.js';
import { DATA_KIND, OVERSIGHT, TECHNIQUE } from './wording.js';

const S = { id: 'Identificatie', use: 'Inzet', law: 'Recht en toetsen', data: 'Data en techniek', meta: 'Metadata' };

const THEME: Record<string, string> = {
  benefits: 'Sociale zekerheid',
  health: 'Zorg en gezondheid',
  employment: 'Werk',
  education: 'Onderwijs en wetenschap',
  migration: 'Migratie en integratie',
  justice: 'Recht',
  housing_credit: 'Wonen',
  infrastructure: 'Ruimte en infrastructuur',
};
const STATUS = { 'pre-deployment': 'In ontwikkeling', deployed: 'In gebruik', retired: 'Buiten gebruik' } as const;
const DUTCH = ' Write it in Dutch, at language level B1.';

/** Hoog-risico under the AI Act; impactful when it shapes decisions about the public; otherwise other algorithms. */
function category(facts: Facts): string {
  if (facts.outcome.classification.eu.category === 'high-risk') return 'Hoog-risico AI-systeem';
  const role = chosen(facts, 'role')[0];
  const affected = chosen(facts, 'affected')[0];
  const shapesDecisions = role === 'recommends' || role === 'decides';
  return shapesDecisions && (affected === 'public' || affected === 'vulnerable')
    ? 'Impactvolle algoritmes'
    : 'Overige algoritmes';
}

/** Free text from an answer (English, flagged in the draft's note); to do, in Dutch, when unanswered. */
const english = (
  facts: Facts,
  name: string,
  section: string,
  question: string,
  map: Record<string, string>,
  what: string,
) => answerField(facts, name, section, question, map, `${what}${DUTCH}`);

export function nlRegisterDraft(facts: Facts): Draft {
  const { procurement: p, contract, outcome } = facts;
  const themes = [...new Set(chosen(facts, 'domains').flatMap((d) => (THEME[d] ? [THEME[d]] : [])))];
  const goLive = goLiveOf(facts);
  const dpia = itemStatus(facts, 'E5');
  const fields: DraftField[] = [
    known('name', S.id, p.title.slice(0, 100), 'the triage title'),
    todo('description_short', S.id, `What the algorithm does and why, in at most 400 characters.${DUTCH}`),
    todo('organization', S.id, 'The organisation, as named in the TOOI list.'),
    themes.length
      ? known('category', S.id, themes, 'the triage’s domains answer')
      : todo('category', S.id, 'The policy area (Thema).'),
    known('status', S.use, STATUS[lifecycleOf(facts)], `the procurement’s stage (${p.stage})`),
    goLive
      ? known('begin_date', S.use, goLive.slice(0, 7), 'the triage’s go-live answer')
      : todo('begin_date', S.use, 'The month it went into use (YYYY-MM).'),
    contract
      ? known('end_date', S.use, contract.end.slice(0, 7), `contract ${contract.id}`)
      : todo('end_date', S.use, 'The month its use ends (YYYY-MM), if known.'),
    todo('contact_email', S.id, 'A contact email address.'),
    todo('website', S.id, 'A page about the algorithm, if there is one.'),
    known(
      'publication_category',
      S.id,
      category(facts),
      `the triage (EU AI Act: ${outcome.classification.eu.category})`,
    ),
    todo('url', S.id, 'A link to more information, if any.'),
    todo('goal', S.use, `The goal, and the people it affects and how they meet it.${DUTCH}`),
    todo('proportionality', S.use, `Why using it is proportionate.${DUTCH}`),
    english(facts, 'human_intervention', S.use, 'oversight', OVERSIGHT, 'How people intervene.'),
    outcome.triggers.length
      ? known('risks', S.use, outcome.triggers.map((t) => t.label).join('; '), 'the triage’s triggers')
      : todo('risks', S.use, `The risks, and how they are managed.${DUTCH}`),
    todo('lawful_basis', S.law, 'The lawful basis for its use.'),
    todo('lawful_basis_grouping', S.law, 'The laws, each with a link (wetten.overheid.nl).'),
    todo('process_index_url', S.law, 'A link to the processing register entry, if any.'),
    todo(
      'impacttoetsen_grouping',
      S.law,
      dpia === 'done'
        ? 'The DPIA is done (checklist E5): add it with its link; and any IAMA or FRAIA.'
        : 'The impact assessments done (DPIA, IAMA, FRAIA…), each with its link.',
    ),
    todo('impacttoetsen', S.law, `A summary of the impact assessments’ findings.${DUTCH}`),
    english(facts, 'source_data', S.data, 'data', DATA_KIND, 'The data the algorithm uses.'),
    todo('source_data_grouping', S.data, 'The data sources, each with a link where public.'),
    english(facts, 'methods_and_models', S.data, 'technique', TECHNIQUE, 'The methods and models.'),
    contract
      ? known('provider', S.data, contract.supplier.slice(0, 200), `contract ${contract.id}`)
      : todo('provider', S.data, 'The supplier, once the contract is awarded.'),
    todo('publiccode', S.data, 'A link to the source code, if public.'),
    known('lang', S.meta, 'nld', 'the register publishes in Dutch'),
    known('standard_version', S.meta, '1.0', 'publicatiestandaard 1.0'),
  ];
  return {
    kind: 'nl-register',
    title: p.title,
    source: `procurement ${p.id}${contract ? `, contract ${contract.id}` : ''}, drafted ${facts.today}`,
    fields,
    notes: [
      'The free text filled here is English, from the triage: write it in Dutch, at language level B1, before publishing.',
    ],
  };
}
