/**
 * Transparency drafts from a procurement: the US 2025 inventory row and the UK ATRS v4.0 record, filled from the
 * triage, the checklist and the contract, with a to-do for every field the bot cannot know, and checked against
 * the registers' official field lists in ../shared/conformance/transparency (when that folder is on the machine).
 */
import { describe, expect, it } from 'vitest';
import { itemsFromOutcome } from '../../src/core/procurement/checklist.js';
import type { Procurement } from '../../src/core/procurement/procurement.js';
import { atrsDraft } from '../../src/core/transparency/atrs.js';
import { type Draft, draftJson, draftMarkdown } from '../../src/core/transparency/draft.js';
import { euDbDraft } from '../../src/core/transparency/eu-db.js';
import type { Facts } from '../../src/core/transparency/facts.js';
import { nlRegisterDraft } from '../../src/core/transparency/nl-register.js';
import { usInventoryDraft } from '../../src/core/transparency/us-inventory.js';
import { type Dialogue, dialogueOutcome } from '../../src/core/triage/dialogue.js';
import { loadTransparencyValidator } from '../../src/transparency/conformance.js';
import { fixture, pack } from './triage-helpers.js';

const validator = loadTransparencyValidator();
if ('absent' in validator)
  console.warn(`Transparency field lists absent (${validator.absent}): drafts checked for shape only`);

const ANA = { id: 'UANA', name: 'Ana' };

function facts(stage: Procurement['stage'] = 'pre-award', withContract = false, today = '2026-04-01'): Facts {
  const { title, answers } = fixture('benefits-scoring');
  const at = '2026-04-01T08:00:00.000Z';
  const dialogue: Dialogue = {
    v: 1,
    id: 'd1',
    tenant: 't',
    platform: 'slack',
    title,
    startedBy: ANA,
    startedAt: at,
    completedAt: at,
    pack: { id: pack.id, version: pack.version, hash: pack.hash },
    channel: 'C1',
    answers: Object.fromEntries(Object.entries(answers).map(([q, value]) => [q, { value, by: ANA, at }])),
    order: Object.keys(answers),
    current: null,
    step: 1,
    status: 'complete',
    events: [],
  };
  const outcome = dialogueOutcome(pack, dialogue);
  const items = itemsFromOutcome({
    outcome,
    supports: () => [],
    awardDate: '2026-06-01',
    today: '2026-04-01',
    owner: ANA,
  });
  const procurement: Procurement = {
    v: 1,
    id: 'P-3F8R1A',
    tenant: 't',
    platform: 'slack',
    title,
    dialogueId: 'd1',
    thread: { channel: 'C1', id: '1.1' },
    channel: 'C2',
    stage,
    awardDate: '2026-06-01',
    timeZone: 'Europe/London',
    items: items.map((i) => (i.id === 'E7' ? { ...i, status: 'done' as const } : i)),
    scans: [],
    clauseAsks: [],
    kpiProposals: [],
    createdBy: ANA,
    createdAt: at,
    updatedAt: at,
    ...(withContract ? { contractId: 'C-7K2M9Q' } : {}),
  };
  const contract = withContract
    ? ({
        id: 'C-7K2M9Q',
        supplier: 'Acme Analytics Ltd',
        start: '2026-04-01',
        end: '2029-03-31',
        sro: { id: 'USRO', name: 'Sam Senior' },
        kpis: [
          {
            id: 'K1',
            title: 'Service availability',
            measure: '',
            target: '99.5 %',
            cadence: { months: 1 },
            material: true,
          },
        ],
      } as unknown as Facts['contract'])
    : undefined;
  return { procurement, dialogue, outcome, pack, ...(contract ? { contract } : {}), today };
}

const field = (draft: Draft, name: string) => draft.fields.find((f) => f.name === name);

function expectValid(draft: Draft) {
  if ('validate' in validator) {
    expect(validator.validate(draft)).toEqual({ ok: true, problems: [] });
  } else {
    const names = draft.fields.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of draft.fields) expect((f.value === undefined) !== (f.todo === undefined)).toBe(true);
  }
}

describe('the US 2025 AI use case inventory draft', () => {
  it('fills what the triage and the contract say, and lists the rest as to-dos', () => {
    const draft = usInventoryDraft(facts('live', true, '2027-05-01'));
    expectValid(draft);
    expect(field(draft, 'development_stage')?.value).toMatch(/^c\) Deployed/);
    expect(field(draft, 'operational_date')?.value).toBe('2027-04-01');
    expect(field(draft, 'use_case_name')?.value).toBe('Housing benefit claim risk scoring');
    expect(field(draft, 'is_high_impact')?.value).toBe('a) High-impact');
    expect(field(draft, 'topic_area')?.value).toBe('Government Benefits Processing');
    expect(field(draft, 'contracting_usage')?.value).toBe('a) Purchased from a vendor');
    expect(field(draft, 'vendor_name')?.value).toBe('Acme Analytics Ltd');
    expect(field(draft, 'has_pii')?.value).toBe('Yes');
    // The minimum practices for a high-impact use: from the checklist (E7 done), the contract's KPIs.
    expect(field(draft, 'hi_training_established')?.value).toBe(
      'a) Yes, sufficient and periodic training has been established',
    );
    expect(field(draft, 'hi_ongoing_monitoring')?.value).toBe(
      'a) Yes, sufficient monitoring protocols have been established',
    );
    expect(field(draft, 'hi_testing_conducted')?.value).toBe('b) In-progress');
    expect(field(draft, 'agency_bureau')?.todo).toContain('bureau');
  });

  it('is a pre-deployment use before award, with no vendor yet', () => {
    const draft = usInventoryDraft(facts());
    expectValid(draft);
    expect(field(draft, 'development_stage')?.value).toMatch(/^a\) Pre-deployment/);
    expect(field(draft, 'vendor_name')?.todo).toBeDefined();
  });
});

describe('the UK ATRS v4.0 draft', () => {
  it('has every Tier 1 and Tier 2 field, with the phase the register allows', () => {
    // Live since the contract started, and past the planned go-live (1 Apr 2027): in production.
    const draft = atrsDraft(facts('live', true, '2027-05-01'));
    expectValid(draft);
    expect(draft.fields).toHaveLength(53);
    expect(field(draft, 'Phase')?.value).toBe('Production');
    // Before its go-live it is still pre-deployment, whatever the contract says.
    expect(field(atrsDraft(facts('live', true)), 'Phase')?.value).toBe('Pre-deployment');
    expect(field(draft, 'Third party')?.value).toBe('Acme Analytics Ltd');
    expect(field(draft, 'Senior responsible owner')?.value).toBe('Sam Senior');
    expect(field(draft, 'Required training')?.value).toContain('E7');
    expect(field(draft, 'Organisation name')?.todo).toBeDefined();
  });

  it('renders the to-do list, the draft and its JSON, with typed text kept as data', () => {
    const f = facts();
    f.procurement.title = 'Chatbot | <script> ``` x';
    const draft = atrsDraft(f);
    draft.validation = { ok: true, problems: [] };
    const md = draftMarkdown(draft);
    expect(md).toContain(`## To do (${draft.fields.filter((x) => x.todo).length} of 53 fields)`);
    expect(md).toContain('Chatbot \\| \\<script\\> \\`\\`\\` x');
    // One fence opens and one closes: the title's backticks are escaped inside the JSON.
    expect(md.match(/```/g)).toHaveLength(2);
    expect(JSON.parse(md.split('```json\n')[1]!.split('\n```')[0]!)).toEqual(draftJson(draft));
  });
});

describe('the Dutch Algoritmeregister draft', () => {
  it('uses the register’s own Dutch choices, and its values pass the register’s JSON Schema', () => {
    const draft = nlRegisterDraft(facts('live', true, '2027-05-01'));
    expectValid(draft);
    expect(field(draft, 'publication_category')?.value).toBe('Hoog-risico AI-systeem');
    expect(field(draft, 'category')?.value).toEqual(['Sociale zekerheid']);
    expect(field(draft, 'status')?.value).toBe('In gebruik');
    expect(field(draft, 'begin_date')?.value).toBe('2027-04');
    expect(field(draft, 'provider')?.value).toBe('Acme Analytics Ltd');
    expect(field(draft, 'lang')?.value).toBe('nld');
    expect(field(draft, 'description_short')?.todo).toContain('Dutch');
    expect(draftMarkdown({ ...draft, validation: { ok: true, problems: [] } })).toContain('write it in Dutch');
  });
});

describe('the EU database draft (Annex VIII, Section C)', () => {
  it('lists the deployer’s items and the FRIA elements for a high-risk system', () => {
    const draft = euDbDraft(facts('awarded', true));
    expectValid(draft);
    expect(draft.fields.map((f) => f.name)).toEqual([
      'C.1',
      'C.2',
      'C.3',
      'C.4',
      'C.5',
      '27(1)(a)',
      '27(1)(b)',
      '27(1)(c)',
      '27(1)(d)',
      '27(1)(e)',
      '27(1)(f)',
    ]);
    expect(field(draft, '27(1)(c)')?.value).toBe('People in vulnerable situations');
  });

  it('is refused for a system the triage did not find high-risk', () => {
    const f = facts();
    f.outcome = {
      ...f.outcome,
      classification: { ...f.outcome.classification, eu: { category: 'minimal', basis: '' } },
    };
    expect(() => euDbDraft(f)).toThrow('was not found high-risk under the AI Act (minimal)');
  });
});

describe('the validator', () => {
  it.runIf('validate' in validator)(
    'refuses an invented field, a choice the register does not allow, and a missing one',
    () => {
      if (!('validate' in validator)) return;
      const draft = usInventoryDraft(facts());
      draft.fields = draft.fields.filter((f) => f.name !== 'contact_email');
      draft.fields.push({ name: 'favourite_colour', section: 'x', value: 'blue' });
      const stage = draft.fields.find((f) => f.name === 'development_stage')!;
      stage.value = 'Live';
      const result = validator.validate(draft);
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual(
        expect.arrayContaining([
          'favourite_colour is not a field of this register',
          'development_stage: “Live” is not one of its choices',
          'contact_email is missing',
        ]),
      );
    },
  );
});
