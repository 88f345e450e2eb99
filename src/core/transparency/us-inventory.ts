/**
 * The 2025 US federal AI use case inventory row (OMB M-25-21), field keys as in the data dictionary. Multiple-choice
 * values are written exactly as the dictionary's `valid_selections`; the minimum practices for high-impact uses
 * (`hi_*`) are drafted from the checklist's state. Question and option ids are the default pack's; another pack's
 * answers that do not match leave the field to do.
 */
import { type Draft, type DraftField, known, todo } from './draft.js';
import { chosen, type Facts, goLiveOf, itemStatus, lifecycleOf } from './facts.js';

const S = {
  id: 'Identification',
  use: 'Use case',
  data: 'Data and code',
  hi: 'High-impact minimum practices (M-25-21 §4)',
} as const;

/** The pack's domains as the inventory's topic areas; a domain with no clear match is left to do. */
const TOPIC: Record<string, string> = {
  benefits: 'Government Benefits Processing',
  health: 'Health and Medical',
  employment: 'Human Resources',
  education: 'Service Delivery',
  migration: 'Service Delivery',
  justice: 'Law Enforcement',
  housing_credit: 'Government Benefits Processing',
};

const CLASSIFICATION: Record<string, string> = {
  interpretable_ml:
    'Classical/Predictive Machine Learning: Models trained on data to make predictions or classifications based on identified patterns or relationships.',
  complex_ml:
    'Classical/Predictive Machine Learning: Models trained on data to make predictions or classifications based on identified patterns or relationships.',
  generative: 'Generative AI: AI that generates new or synthetic content (e.g., images, videos, audio, text, code).',
};

const OUTPUTS: Record<string, string> = {
  drafts: 'Drafts or summaries that staff check and edit',
  recommends: 'Scores, flags or recommendations that staff act on',
  decides: 'Decisions made or applied by the system',
};

const STAGE = {
  'pre-deployment': 'a) Pre-deployment – The use case is in a development or acquisition status.',
  deployed:
    'c) Deployed – The use case is being actively authorized or utilized to support the functions or mission of an agency.',
  retired:
    'd) Retired – The use case was reported in the agency’s prior year’s inventory, but its development and/or use has since been discontinued.',
} as const;

/** A minimum practice's status from checklist items: done when they all are, in progress while any is open. */
function practice(facts: Facts, name: string, ids: string[], yes: string, progress: string, what: string): DraftField {
  const states = ids.map((id) => itemStatus(facts, id)).filter((s) => s !== 'absent');
  if (!states.length) return todo(name, S.hi, what);
  const value = states.every((s) => s === 'done') ? yes : progress;
  return known(name, S.hi, value, `checklist ${ids.join(', ')}`);
}

export function usInventoryDraft(facts: Facts): Draft {
  const { procurement: p, outcome, contract } = facts;
  const lifecycle = lifecycleOf(facts);
  const us = outcome.classification.us;
  const topics = chosen(facts, 'domains').flatMap((d) => (TOPIC[d] ? [TOPIC[d]] : []));
  const technique = chosen(facts, 'technique')[0];
  const role = chosen(facts, 'role')[0];
  const data = chosen(facts, 'data')[0];
  const goLive = goLiveOf(facts);
  const fields: DraftField[] = [
    todo(
      'id',
      S.id,
      'The agency’s use case id ([Agency Abbrev.] – [#]); keep last year’s id for a use case reported before.',
    ),
    known('use_case_name', S.id, p.title, 'the triage title'),
    todo('agency_bureau', S.id, 'The bureau or component responsible.'),
    todo('contact_email', S.id, 'A contact email (a public inquiries address may be used in the public inventory).'),
    todo('is_withheld', S.id, 'Whether to withhold it from public reporting, and why.'),
    known('development_stage', S.use, STAGE[lifecycle], `the procurement’s stage (${p.stage})`),
    us.provisional
      ? todo(
          'is_high_impact',
          S.use,
          'The triage found it high-impact only while answers are "Don’t know": settle them.',
        )
      : known(
          'is_high_impact',
          S.use,
          us.highImpact ? 'a) High-impact' : 'c) Not high-impact',
          `the triage (${us.basis.slice(0, 120)})`,
        ),
    topics.length
      ? known('topic_area', S.use, topics[0]!, 'the triage’s domains answer')
      : todo('topic_area', S.use, 'The topic area that aligns most closely.'),
    technique && CLASSIFICATION[technique]
      ? known('classification', S.use, CLASSIFICATION[technique], 'the triage’s technique answer')
      : todo(
          'classification',
          S.use,
          'The class of AI that aligns most closely (fixed rules are not AI in this inventory).',
        ),
    todo('problem_solved', S.use, 'The problem the AI is meant to solve.'),
    contract?.kpis.length
      ? known('benefits', S.use, contract.kpis.map((k) => `${k.title}: ${k.target}`).join('; '), 'the contract’s KPIs')
      : outcome.kpis.length
        ? known(
            'benefits',
            S.use,
            outcome.kpis.map((k) => `${k.title}: ${k.target}`).join('; '),
            'the triage’s KPI pack',
          )
        : todo('benefits', S.use, 'The expected benefits.'),
    role && OUTPUTS[role]
      ? known('system_outputs', S.use, OUTPUTS[role], 'the triage’s role answer')
      : todo('system_outputs', S.use, 'What the system outputs (a prediction, recommendation, decision…).'),
    goLive
      ? known('operational_date', S.use, goLive, 'the triage’s go-live answer')
      : todo('operational_date', S.use, 'When it became (or becomes) operational.'),
    known('contracting_usage', S.use, 'a) Purchased from a vendor', 'a procurement'),
    contract
      ? known('vendor_name', S.use, contract.supplier, `contract ${contract.id}`)
      : todo('vendor_name', S.use, 'The vendor, once the contract is awarded.'),
    todo('have_ato', S.data, 'Whether it has an Authority to Operate (or is part of a system that has one).'),
    todo('system_name_ato', S.data, 'The name of the system with the ATO, if any.'),
    todo('data_description', S.data, 'The data used to train, fine-tune or evaluate it (ask the vendor).'),
    data
      ? known('has_pii', S.data, data === 'none' ? 'No' : 'Yes', 'the triage’s data answer')
      : todo('has_pii', S.data, 'Whether it uses personally identifiable information.'),
    todo('demographic_features', S.data, 'The demographic features the data or models use.'),
    todo('has_custom_code', S.data, 'Whether custom code was developed for it.'),
  ];
  // The minimum practices are reported for high-impact use cases (deployed ones must report them).
  if (us.highImpact) {
    fields.push(
      practice(facts, 'hi_testing_conducted', ['E3', 'E4'], 'a) Yes', 'b) In-progress', 'Pre-deployment testing.'),
      practice(facts, 'hi_assessment_completed', ['E5', 'E6'], 'a) Yes', 'b) In-progress', 'The AI impact assessment.'),
      todo('hi_potential_impacts', S.hi, 'The potential impacts on rights and safety, from the impact assessment.'),
      todo('hi_independent_review', S.hi, 'Who reviewed it independently of its development.'),
      contract?.kpis.length
        ? known(
            'hi_ongoing_monitoring',
            S.hi,
            'a) Yes, sufficient monitoring protocols have been established',
            `contract ${contract.id}: ${contract.kpis.length} KPIs reviewed on a schedule`,
          )
        : known(
            'hi_ongoing_monitoring',
            S.hi,
            'b) Development of monitoring protocols is in-progess',
            'no contract with KPIs yet',
          ),
      practice(
        facts,
        'hi_training_established',
        ['E7'],
        'a) Yes, sufficient and periodic training has been established',
        'b) Establishment of sufficient and periodic training is in-progress',
        'Training for the people who oversee it.',
      ),
      practice(facts, 'hi_failsafe_presence', ['E7'], 'a) Yes', 'c) In-progress', 'A fail-safe that limits harm.'),
      chosen(facts, 'contestability')[0] === 'in_place'
        ? known(
            'hi_appeal_process',
            S.hi,
            'a) Yes, an appropriate appeal process has been established',
            'the triage’s contestability answer',
          )
        : chosen(facts, 'contestability')[0] === 'planned'
          ? known(
              'hi_appeal_process',
              S.hi,
              'c) Establishment of an appropriate appeal process is in-progress',
              'the triage’s contestability answer',
            )
          : todo('hi_appeal_process', S.hi, 'The appeal process for people affected.'),
      todo('hi_public_consultation', S.hi, 'How the public was consulted.'),
    );
  }
  return {
    kind: 'us-inventory',
    title: p.title,
    source: `procurement ${p.id}${contract ? `, contract ${contract.id}` : ''}, drafted ${facts.today}`,
    fields,
  };
}
