/**
 * A UK ATRS v4.0 record, Tier 1 and Tier 2, field names as the standard prints them. Filled from the triage, the
 * checklist and the contract; everything else is a to-do. Question and option ids are the default pack's.
 */
import { type Draft, type DraftField, known, todo } from './draft.js';
import { answerField, type Facts, itemStatus, lifecycleOf } from './facts.js';
import { CONTEST, DATA_KIND, OVERSIGHT, ROLE, SCALE, SUPPLIER_DATA, TECHNIQUE } from './wording.js';

const T = 'Title and filter information';
const S1 = 'Summary Information';
const OWNER = 'Owner and Responsibility';
const WHY = 'Description and Rationale';
const CONTEXT = 'Deployment Context';
const TOOL = 'Tool Specification';
const MODEL = 'Model Specification';
const DATA = 'Development Data Specification';
const RISK = 'Risks, Mitigations and Impact Assessments';

const PHASE = { 'pre-deployment': 'Pre-deployment', deployed: 'Production', retired: 'Retired' } as const;

export function atrsDraft(facts: Facts): Draft {
  const { procurement: p, outcome, contract } = facts;
  const lifecycle = lifecycleOf(facts);
  const kpis = contract?.kpis ?? [];
  const impact = [
    `EU AI Act: ${outcome.classification.eu.category}`,
    `Canada AIA estimate: impact level ${outcome.classification.ca.level}`,
    `DPIA (E5): ${itemStatus(facts, 'E5') === 'done' ? 'done' : itemStatus(facts, 'E5') === 'open' ? 'in progress' : 'not required by the triage'}`,
  ].join('; ');
  const risks = [
    ...outcome.triggers.map((t) => t.label),
    ...p.items.filter((i) => i.kind === 'action').map((i) => `${i.text} (action ${i.id})`),
  ];
  const fields: DraftField[] = [
    known('Title', T, p.title, 'the triage title'),
    todo('Organisation name', T, 'The full name of the responsible public body.'),
    known('Phase', T, PHASE[lifecycle], `the procurement’s stage (${p.stage})`),
    todo('Region', T, 'The region the tool is used in.'),
    todo('One sentence description', T, 'One sentence saying what the tool does.'),
    known('Name', S1, p.title, 'the triage title'),
    todo('Description', S1, 'What the tool is and why it is used, in plain English.'),
    todo('Website URL', S1, 'A page about the tool, if there is one.'),
    todo('Contact email', S1, 'An email address for questions about the tool.'),
    todo('Organisation or department', OWNER, 'The organisation or department responsible.'),
    todo('Team', OWNER, 'The team responsible.'),
    contract
      ? known('Senior responsible owner', OWNER, contract.sro.name ?? contract.sro.id, `contract ${contract.id}`)
      : todo('Senior responsible owner', OWNER, 'The SRO, once the contract names one.'),
    known('Third party involvement', OWNER, 'Yes', 'a procurement'),
    contract
      ? known('Third party', OWNER, contract.supplier, `contract ${contract.id}`)
      : todo('Third party', OWNER, 'The supplier (and subcontractors), once the contract is awarded.'),
    todo('Companies House Number', OWNER, 'The supplier’s Companies House number.'),
    todo('Third party role', OWNER, 'What the supplier provides (scope and deliverables).'),
    todo('Procurement procedure type', OWNER, 'The procedure or framework used for the award.'),
    answerField(
      facts,
      'Third party data access terms',
      OWNER,
      'supplier_data',
      SUPPLIER_DATA,
      'What the supplier may do with the data.',
    ),
    todo('Detailed description', WHY, 'How the tool works, in more detail.'),
    kpis.length
      ? known(
          'Benefit',
          WHY,
          kpis.map((k) => `${k.title} (target ${k.target})`).join('; '),
          `contract ${contract?.id} KPIs`,
        )
      : todo('Benefit', WHY, 'The benefits expected (the contract’s KPIs say how they are measured).'),
    todo('Previous process', WHY, 'How the work was done before.'),
    todo('Alternatives considered', WHY, 'The alternatives considered, and why this one.'),
    answerField(
      facts,
      'Integration into broader operational process',
      CONTEXT,
      'role',
      ROLE,
      'Where the tool sits in the process.',
    ),
    answerField(
      facts,
      'Frequency and scale of usage',
      CONTEXT,
      'scale',
      SCALE,
      'How often and at what scale it is used.',
    ),
    answerField(facts, 'Human review', CONTEXT, 'oversight', OVERSIGHT, 'How people review what the tool does.'),
    itemStatus(facts, 'E7') === 'absent'
      ? todo('Required training', CONTEXT, 'The training the people using it get.')
      : known(
          'Required training',
          CONTEXT,
          itemStatus(facts, 'E7') === 'done'
            ? 'A human-oversight design and training plan is in place (checklist E7).'
            : 'A human-oversight design and training plan is asked of the supplier (checklist E7, open).',
          'checklist E7',
        ),
    answerField(
      facts,
      'Appeals and review',
      CONTEXT,
      'contestability',
      CONTEST,
      'How people can challenge an outcome.',
    ),
    todo('System architecture', TOOL, 'The system’s architecture (ask the supplier for its FactSheet, E1).'),
    todo('System-level input', TOOL, 'What goes into the system.'),
    answerField(facts, 'System-level output', TOOL, 'role', ROLE, 'What comes out of the system.'),
    todo('Maintenance', TOOL, 'How the system is maintained and changed (the contract’s change control, C11).'),
    answerField(facts, 'Models', TOOL, 'technique', TECHNIQUE, 'The models the system uses.'),
    todo('Model name', MODEL, 'The model’s name (from the supplier’s model card, E1).'),
    todo('Model version', MODEL, 'The model’s version.'),
    todo('Model task', MODEL, 'The model’s task.'),
    todo('Model input', MODEL, 'The model’s input.'),
    todo('Model output', MODEL, 'The model’s output.'),
    answerField(facts, 'Model architecture', MODEL, 'technique', TECHNIQUE, 'The model’s architecture.'),
    todo('Model performance', MODEL, 'Performance, including by subgroup (E3).'),
    todo('Datasets and their purposes', MODEL, 'The datasets used and what each is for.'),
    todo('Source data name', DATA, 'The source data’s name.'),
    todo('Data modality', DATA, 'The kind of data (text, images, tabular…).'),
    todo('Data description', DATA, 'A description of the data.'),
    todo('Data quantities', DATA, 'How much data.'),
    answerField(facts, 'Sensitive attributes', DATA, 'data', DATA_KIND, 'The sensitive attributes in the data.'),
    todo('Data completeness and representativeness', DATA, 'How complete and representative the data is.'),
    todo('Source data URL', DATA, 'Where the data is published, if it is.'),
    todo('Data collection', DATA, 'How the data was collected.'),
    todo('Data cleaning', DATA, 'How the data was cleaned.'),
    answerField(facts, 'Data sharing agreements', DATA, 'supplier_data', SUPPLIER_DATA, 'The data sharing agreements.'),
    todo('Data access and storage', DATA, 'Who can access the data, and where it is stored.'),
    known('Impact assessment', RISK, impact, 'the triage and the checklist'),
    risks.length
      ? known('Risks and mitigations', RISK, risks, 'the triage’s triggers and the consequence scans’ actions')
      : todo('Risks and mitigations', RISK, 'The risks and how they are mitigated.'),
  ];
  return {
    kind: 'atrs',
    title: p.title,
    source: `procurement ${p.id}${contract ? `, contract ${contract.id}` : ''}, drafted ${facts.today}`,
    fields,
  };
}
