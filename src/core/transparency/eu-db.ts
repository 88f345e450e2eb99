/**
 * The EU database items a public-authority deployer submits before using a high-risk AI system (AI Act Art. 49(3),
 * Annex VIII Section C), with the Art. 27(1) elements its FRIA summary (C.4) must cover. Only for a triage that found
 * the system high-risk; for Annex III points 1, 6 and 7 only C.1 to C.3 go in, to the non-public section (Art. 49(4)).
 */
import { BadInputError } from '../errors.js';
import { type Draft, type DraftField, known, todo } from './draft.js';
import { chosen, type Facts, itemStatus } from './facts.js';
import { AFFECTED, OVERSIGHT, SCALE } from './wording.js';

const C = 'Annex VIII, Section C';
const FRIA = 'FRIA elements (Art. 27(1)) behind C.4';

/** Annex III points whose registrations are restricted (Art. 49(4)): biometrics, law enforcement, migration. */
const RESTRICTED_DOMAINS = new Set(['migration', 'justice']);
const RESTRICTED_DATA = new Set(['biometric_id', 'biometric_categorisation', 'emotion_recognition']);

export function euDbDraft(facts: Facts): Draft {
  const { procurement: p, contract, outcome } = facts;
  if (outcome.classification.eu.category !== 'high-risk') {
    throw new BadInputError(
      `${p.id} was not found high-risk under the AI Act (${outcome.classification.eu.category}): a deployer registers only high-risk systems in the EU database.`,
    );
  }
  const restricted =
    chosen(facts, 'domains').some((d) => RESTRICTED_DOMAINS.has(d)) ||
    chosen(facts, 'data').some((d) => RESTRICTED_DATA.has(d));
  const affected = chosen(facts, 'affected')[0];
  const oversight = chosen(facts, 'oversight')[0];
  const scale = chosen(facts, 'scale')[0];
  const period = contract
    ? `From ${contract.start} to ${contract.end}${scale && SCALE[scale] ? `, for ${SCALE[scale].toLowerCase()}` : ''}`
    : undefined;
  const fields: DraftField[] = [
    todo('C.1', C, 'The deployer’s name, address and contact details.'),
    todo('C.2', C, 'The name, address and contact details of the person submitting the information.'),
    todo('C.3', C, 'The URL of the provider’s entry for this system in the EU database (ask the supplier; C17).'),
  ];
  if (!restricted) {
    fields.push(
      todo('C.4', C, 'A summary of the findings of the fundamental rights impact assessment (the elements below).'),
      itemStatus(facts, 'E5') === 'done'
        ? todo('C.5', C, 'A summary of the DPIA (done: checklist E5).')
        : todo('C.5', C, 'A summary of the data protection impact assessment, where one applies.'),
      todo('27(1)(a)', FRIA, 'The processes in which the system will be used, in line with its intended purpose.'),
      period
        ? known('27(1)(b)', FRIA, period, `contract ${contract?.id} and the triage’s scale answer`)
        : todo('27(1)(b)', FRIA, 'The period and frequency of use.'),
      affected && AFFECTED[affected]
        ? known('27(1)(c)', FRIA, AFFECTED[affected], 'the triage’s affected answer')
        : todo('27(1)(c)', FRIA, 'The categories of people and groups likely to be affected.'),
      outcome.triggers.length
        ? known(
            '27(1)(d)',
            FRIA,
            outcome.triggers.map((t) => t.label),
            'the triage’s triggers',
          )
        : todo('27(1)(d)', FRIA, 'The specific risks of harm, with the provider’s Art. 13 information.'),
      oversight && OVERSIGHT[oversight]
        ? known('27(1)(e)', FRIA, OVERSIGHT[oversight], 'the triage’s oversight answer')
        : todo('27(1)(e)', FRIA, 'How the human oversight measures are implemented.'),
      todo('27(1)(f)', FRIA, 'The measures if the risks materialise: governance and complaint mechanisms.'),
    );
  }
  return {
    kind: 'eu-db',
    title: p.title,
    source: `procurement ${p.id}${contract ? `, contract ${contract.id}` : ''}, drafted ${facts.today}`,
    fields,
    ...(restricted
      ? {
          notes: [
            'Annex III points 1, 6 or 7 (biometrics, law enforcement, migration): only C.1 to C.3 are registered, in the non-public section of the database (Art. 49(4)). The triage asks "policing, justice or enforcement" as one answer: if the use is the administration of justice alone (point 8), the public section and all items apply.',
          ],
        }
      : {}),
  };
}
