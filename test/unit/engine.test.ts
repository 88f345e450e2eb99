import { describe, expect, it } from 'vitest';
import {
  applicableQuestions,
  describeAnswer,
  evaluate,
  IncompleteAnswersError,
  missingQuestions,
  nextQuestion,
  validateAnswer,
} from '../../src/core/triage/engine.js';
import type { Answers } from '../../src/core/triage/types.js';
import { DK, fixture, option, options, pack, text } from './triage-helpers.js';

const benefits = () => fixture('benefits-scoring').answers;
const ids = (list: { id: string }[]) => list.map((x) => x.id);
const question = (id: string) => pack.questions.find((q) => q.id === id)!;

describe('the example answer files', () => {
  it.each([
    ['internal-drafting-aid', 'low'],
    ['citizen-faq-chatbot', 'medium'],
    ['benefits-scoring', 'high'],
    ['automated-enforcement', 'critical'],
    ['social-scoring', 'stop'],
  ] as const)('%s comes out %s', (name, tier) => {
    const outcome = evaluate(pack, fixture(name).answers);
    expect(outcome.tier).toBe(tier);
    expect(outcome.provisional).toBe(false);
  });

  it('the half-answered file is incomplete unless evaluated as partial', () => {
    const { answers } = fixture('partial-caseworker-summaries');
    expect(() => evaluate(pack, answers)).toThrow(IncompleteAnswersError);
    const outcome = evaluate(pack, answers, { partial: true });
    expect(outcome.provisional).toBe(true);
    expect(outcome.unknowns).toEqual(['effect', ...missingQuestions(pack, answers)]);
  });
});

describe('the dialogue', () => {
  it('starts with prohibited practices and asks questions in pack order', () => {
    expect(nextQuestion(pack, {})?.id).toBe('prohibited');
    expect(nextQuestion(pack, { prohibited: options('none') })?.id).toBe('role');
    expect(nextQuestion(pack, { prohibited: options('none'), role: DK })?.id).toBe('domains');
  });

  it('skips explainability for fixed rules and contestability when no decisions are made about people', () => {
    const answers: Answers = { ...benefits(), technique: option('rules'), role: option('none') };
    delete answers.explainability;
    delete answers.contestability;
    const asked = ids(applicableQuestions(pack, answers));
    expect(asked).not.toContain('explainability');
    expect(asked).not.toContain('contestability');
    expect(nextQuestion(pack, answers)).toBeNull();
    expect(() => evaluate(pack, answers)).not.toThrow();
  });

  it('still asks explainability when the technique is "Don\'t know"', () => {
    expect(ids(applicableQuestions(pack, { ...benefits(), technique: DK }))).toContain('explainability');
  });

  it('ends at once when a prohibited practice is selected', () => {
    const answers = { prohibited: options('social_scoring', 'emotion_recognition') };
    expect(nextQuestion(pack, answers)).toBeNull();
    expect(ids(applicableQuestions(pack, answers))).toEqual(['prohibited']);
    expect(missingQuestions(pack, answers)).toEqual([]);
  });

  it('lists every unanswered question that applies', () => {
    expect(missingQuestions(pack, { prohibited: options('none'), role: option('none') })).toEqual([
      'domains',
      'effect',
      'affected',
      'scale',
      'oversight',
      'data',
      'supplier_data',
      'technique',
      'explainability',
      'exposure',
      'lockin',
      'contract_value',
    ]);
  });
});

describe('validateAnswer', () => {
  it('accepts a valid option and "Don\'t know"', () => {
    expect(validateAnswer(pack, 'role', option('decides'))).toEqual({ ok: true, value: option('decides') });
    expect(validateAnswer(pack, 'role', DK)).toEqual({ ok: true, value: DK });
  });

  it('rejects an option the question does not have, listing the choices', () => {
    const result = validateAnswer(pack, 'role', option('maybe'));
    expect(result).toEqual({ ok: false, message: expect.stringContaining('That option is not available') });
    expect(result.ok || result.message).toContain('Scores, flags or recommends cases');
  });

  it('rejects "None of these" combined with other options, and an empty selection', () => {
    expect(validateAnswer(pack, 'domains', options('none', 'health'))).toEqual({
      ok: false,
      message: '“None of these” can’t be combined with other options.',
    });
    expect(validateAnswer(pack, 'domains', options())).toEqual({
      ok: false,
      message: 'Pick at least one option, or “None of these”.',
    });
  });

  it('normalises a multi-choice answer: one id becomes a list, duplicates go, pack order is kept', () => {
    expect(validateAnswer(pack, 'domains', option('health'))).toEqual({ ok: true, value: options('health') });
    expect(validateAnswer(pack, 'domains', options('justice', 'benefits', 'justice'))).toEqual({
      ok: true,
      value: options('benefits', 'justice'),
    });
  });

  it('checks free text: not empty, not too long, and for money an amount with a currency', () => {
    expect(validateAnswer(pack, 'contract_value', text('  £6.2m '))).toEqual({ ok: true, value: text('£6.2m') });
    expect(validateAnswer(pack, 'contract_value', text('   '))).toMatchObject({ ok: false, message: /empty/ });
    expect(validateAnswer(pack, 'contract_value', text(`£${'9'.repeat(120)}`))).toMatchObject({
      ok: false,
      message: /too long: please keep it to 100 characters/,
    });
    expect(validateAnswer(pack, 'contract_value', text('a lot'))).toEqual({
      ok: false,
      message: 'I couldn’t read an amount from that. Try something like £6.2m or 450,000 GBP.',
    });
    expect(validateAnswer(pack, 'contract_value', text('6.2m'))).toMatchObject({ ok: false, message: /currency/ });
  });

  it('rejects the wrong kind of answer and unknown questions', () => {
    expect(validateAnswer(pack, 'role', text('decides'))).toMatchObject({ ok: false });
    expect(validateAnswer(pack, 'contract_value', option('x'))).toMatchObject({ ok: false });
    expect(validateAnswer(pack, 'nope', DK)).toMatchObject({ ok: false });
  });

  it('makes evaluate refuse a stored answer that no longer fits its question', () => {
    expect(() => evaluate(pack, { ...benefits(), role: option('maybe') })).toThrow(/Answer to "role"/);
  });
});

describe('scoring', () => {
  it('adds up every answer and explains each point, largest first', () => {
    const outcome = evaluate(pack, benefits());
    expect(outcome.score).toBe(34);
    expect(outcome.max).toBe(58);
    expect(outcome.why.reduce((sum, c) => sum + c.points, 0)).toBe(34);
    expect(outcome.why[0]).toMatchObject({
      questionId: 'effect',
      answer: 'Serious or hard to reverse',
      points: 5,
      max: 8,
    });
    const points = outcome.why.map((c) => c.points);
    expect(points).toEqual([...points].sort((a, b) => b - a));
    // Ties keep pack order: of the 2-point answers, domains comes before scale and scale before oversight.
    const order = outcome.why.map((c) => c.questionId);
    expect(order.indexOf('domains')).toBeLessThan(order.indexOf('scale'));
    expect(order.indexOf('scale')).toBeLessThan(order.indexOf('oversight'));
    expect(order).not.toContain('prohibited');
    expect(order).not.toContain('contract_value');
  });

  it('caps the decision areas at 6 points and takes the worst exposure', () => {
    const outcome = evaluate(pack, {
      ...benefits(),
      domains: options('benefits', 'health', 'employment', 'education'),
      exposure: options('outside_inputs', 'linked_systems'),
    });
    expect(outcome.why.find((c) => c.questionId === 'domains')?.points).toBe(6);
    expect(outcome.why.find((c) => c.questionId === 'exposure')?.points).toBe(2);
  });

  it('scores "Don\'t know" as the worst answer, marks the result provisional and asks for evidence', () => {
    const outcome = evaluate(pack, { ...benefits(), effect: DK });
    expect(outcome.score).toBe(34 - 5 + 8);
    expect(outcome.provisional).toBe(true);
    expect(outcome.unknowns).toEqual(['effect']);
    expect(outcome.why.find((c) => c.questionId === 'effect')?.answer).toBe("Don't know");
    expect(outcome.evidence.find((e) => e.id === 'DK-effect')).toMatchObject({
      reason: expect.stringContaining("Don't know"),
    });
  });

  it('raises a low result to at least Medium when 4 or more answers are "Don\'t know"', () => {
    const quiet: Answers = {
      prohibited: options('none'),
      role: option('none'),
      domains: options('none'),
      effect: option('negligible'),
      affected: option('staff'),
      scale: option('under_100'),
      oversight: option('full_with_fallback'),
      data: option('none'),
      supplier_data: option('stays'),
      technique: option('rules'),
      exposure: options('internal'),
      lockin: option('portable'),
      contract_value: text('£50k'),
    };
    expect(evaluate(pack, quiet)).toMatchObject({ score: 0, tier: 'low', triggers: [] });
    const three = evaluate(pack, { ...quiet, contract_value: DK, scale: DK, affected: DK });
    expect(three).toMatchObject({ score: 7, tier: 'low', triggers: [] });
    const four = evaluate(pack, { ...quiet, contract_value: DK, scale: DK, affected: DK, lockin: DK });
    expect(four.score).toBeLessThan(pack.tiers.medium.from);
    expect(four.tier).toBe('medium');
    expect(four.triggers.map((t) => t.id)).toEqual(['many_unknowns']);
  });
});

describe('triggers', () => {
  const low = () => fixture('internal-drafting-aid').answers;

  it('makes an unconfirmed prohibited-practice answer at least High, with an evidence item', () => {
    const outcome = evaluate(pack, { ...low(), prohibited: DK });
    expect(outcome.tier).toBe('high');
    expect(outcome.triggers).toContainEqual({
      id: 'prohibited_unconfirmed',
      label: 'Not yet confirmed that no prohibited practice is involved',
      minTier: 'high',
    });
    expect(ids(outcome.evidence)).toContain('DK-prohibited');
  });

  it('makes automated decisions with serious effects in a sensitive area Critical whatever the score', () => {
    const outcome = evaluate(pack, {
      ...low(),
      role: option('decides'),
      effect: option('serious'),
      domains: options('education'),
    });
    expect(outcome.score).toBeLessThan(pack.tiers.critical.from);
    expect(outcome.tier).toBe('critical');
  });

  it('makes biometric identification Critical', () => {
    expect(evaluate(pack, { ...low(), data: option('biometric_id') }).tier).toBe('critical');
  });

  it('makes personal data at the supplier and public-facing AI at least Medium', () => {
    expect(evaluate(pack, { ...low(), data: option('personal'), supplier_data: option('dpa') }).tier).toBe('medium');
    expect(evaluate(pack, { ...low(), exposure: options('public_facing') }).tier).toBe('medium');
  });

  it('stops on any prohibited practice whatever the other answers say', () => {
    const outcome = evaluate(pack, { ...low(), prohibited: options('crime_prediction') });
    expect(outcome.tier).toBe('stop');
    expect(outcome.classification.eu).toEqual({
      category: 'prohibited',
      basis: 'Prohibited practice under Art. 5 (Art. 5(1)(d): predicting offending solely from profiling).',
    });
    expect(ids(outcome.gates)).toEqual(['G0']);
    expect(outcome.clauses).toEqual([]);
    expect(outcome.kpis).toEqual([]);
    expect(outcome.why).toEqual([]);
  });
});

describe('classification', () => {
  it('classes benefits risk scoring as EU high-risk under Annex III point 5(a) and US high-impact', () => {
    const { classification } = evaluate(pack, benefits());
    expect(classification.eu.category).toBe('high-risk');
    expect(classification.eu.basis).toContain('Annex III point 5(a): access to essential public services and benefits');
    expect(classification.us.highImpact).toBe(true);
    expect(classification.ca.level).toBe('III');
  });

  it('notes the Art. 6(3) exemption for drafting in an Annex III area instead of calling it high-risk', () => {
    const { classification } = evaluate(pack, { ...benefits(), role: option('drafts') });
    expect(classification.eu.category).toBe('minimal');
    expect(classification.eu.basis).toContain('Art. 6(3)');
    expect(classification.us.highImpact).toBe(false);
  });

  it('applies the UK KPI duty only to contracts over £5m', () => {
    const duty = (value: string) => evaluate(pack, { ...benefits(), contract_value: text(value) }).classification.uk;
    expect(duty('£6.2m')).toMatchObject({
      kpiDuty: true,
      duties: expect.arrayContaining([expect.stringMatching(/at least 3 KPIs/)]),
    });
    expect(duty('£5,000,000').kpiDuty).toBe(false);
    expect(duty('£4.9m').kpiDuty).toBe(false);
    expect(duty('€9m').kpiDuty).toBe(false);
    expect(duty('5,000,001 GBP').kpiDuty).toBe(true);
  });

  it('expects an ATRS record for public-facing tools but not for internal ones', () => {
    expect(evaluate(pack, fixture('citizen-faq-chatbot').answers).classification.uk.atrsExpected).toBe(true);
    expect(evaluate(pack, fixture('internal-drafting-aid').answers).classification.uk.atrsExpected).toBe(false);
  });

  it('raises the Canadian level to at least III when it decides alone with severe effects', () => {
    const answers: Answers = {
      ...fixture('internal-drafting-aid').answers,
      role: option('decides'),
      effect: option('severe'),
    };
    const { score, classification } = evaluate(pack, answers);
    expect(score / 58).toBeLessThan(0.5);
    expect(classification.ca.level).toBe('III');
    expect(classification.ca.basis).toContain('Raised to at least level III');
  });
});

describe('classification with "Don\'t know" answers', () => {
  const DONT_KNOW = "“Don't know”";

  it('takes the worst class unknown answers could lead to, short of prohibited, and says it is provisional', () => {
    const outcome = evaluate(pack, {}, { partial: true });
    expect(outcome.tier).toBe('critical');
    expect(outcome.classification.eu).toEqual({
      category: 'high-risk',
      basis:
        `Provisional: depends on answers still ${DONT_KNOW} (prohibited, role, domains, data). ` +
        'Treated as high-risk until they are answered, as these could apply: High-risk under Art. 6(2); ' +
        'High-risk under Art. 6(2) (Annex III point 1: remote biometric identification). ' +
        'Not yet ruled out: Prohibited practice under Art. 5.',
    });
    expect(outcome.classification.eu.basis).not.toContain('identified'); // the "nothing found" text would reassure
    expect(outcome.classification.us.highImpact).toBe(true);
    expect(outcome.classification.us.provisional).toBe(true);
    expect(outcome.classification.us.basis).toMatch(
      new RegExp(
        `^Provisional: depends on answers still ${DONT_KNOW} \\(role, domains, effect, data\\)\\. Treated as high-impact`,
      ),
    );
    // Triggers, gates and clauses follow the cautious class until the answers come in.
    expect(ids(outcome.triggers)).toEqual(
      expect.arrayContaining(['prohibited_unconfirmed', 'eu_high_risk', 'us_high_impact']),
    );
    expect(ids(outcome.gates)).toEqual(expect.arrayContaining(['G22', 'G23']));
    expect(ids(outcome.clauses)).toContain('C17');
  });

  it('names only the unknown answers that could change the class: domains, when the tool recommends', () => {
    const outcome = evaluate(pack, { ...benefits(), domains: DK });
    expect(outcome.classification.eu).toEqual({
      category: 'high-risk',
      basis:
        `Provisional: depends on answers still ${DONT_KNOW} (domains). ` +
        'Treated as high-risk until they are answered, as this could apply: High-risk under Art. 6(2).',
    });
    // The effect answer alone makes it US high-impact, whatever the domains (only their references are missing).
    expect(outcome.classification.us).toEqual({
      highImpact: true,
      basis:
        'High-impact (OMB M-25-21): the output is a principal basis for decisions with legal, material, binding or significant effects on rights or safety.',
    });
    // When the tool does not take part in decisions, the domains cannot make it high-risk: nothing changes.
    const none = { ...benefits(), role: option('none') };
    const unknownDomains = evaluate(pack, { ...none, domains: DK }).classification;
    expect(unknownDomains.eu).toEqual(evaluate(pack, { ...none, domains: options('none') }).classification.eu);
    expect(unknownDomains.eu.category).toBe('minimal');
    expect(unknownDomains.eu.basis).not.toContain('Provisional');
  });

  it('keeps a class the answers settle, adding what is not yet ruled out', () => {
    const { eu } = evaluate(pack, { ...benefits(), prohibited: DK }).classification;
    expect(eu.category).toBe('high-risk');
    expect(eu.basis).toBe(
      'High-risk under Art. 6(2) (Annex III point 5(a): access to essential public services and benefits). ' +
        `Provisional: depends on answers still ${DONT_KNOW} (prohibited). Not yet ruled out: Prohibited practice under Art. 5.`,
    );
    // Public-facing is settled as transparency; the unknown domains could make it high-risk.
    const chatbot = fixture('citizen-faq-chatbot').answers;
    const recommends = { ...chatbot, role: option('recommends'), contestability: option('planned') };
    const raised = evaluate(pack, { ...recommends, domains: DK }).classification.eu;
    expect(raised.category).toBe('high-risk');
    expect(raised.basis).toMatch(/^Provisional: .* As answered: Transparency duties under Art\. 50/);
  });

  it('expects the UK duties that unknown answers could bring, marked provisional', () => {
    const drafting = fixture('internal-drafting-aid').answers;
    const { uk } = evaluate(pack, { ...drafting, exposure: DK, contract_value: DK }).classification;
    expect(uk).toMatchObject({ atrsExpected: true, atrsProvisional: true, kpiDuty: true, kpiDutyProvisional: true });
    expect(uk.duties).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Publish an Algorithmic Transparency Recording Standard/),
        `Provisional: depends on answers still ${DONT_KNOW} (exposure).`,
        expect.stringMatching(/at least 3 KPIs/),
        `Provisional: depends on answers still ${DONT_KNOW} (contract_value).`,
      ]),
    );
    // Answered, the same tool owes neither.
    const answered = evaluate(pack, drafting).classification.uk;
    expect(answered).toMatchObject({ atrsExpected: false, kpiDuty: false, duties: [] });
    expect(answered).not.toHaveProperty('atrsProvisional');
  });

  it('leaves the classification of complete answers as it was: no unknowns, nothing provisional', () => {
    for (const name of [
      'internal-drafting-aid',
      'citizen-faq-chatbot',
      'benefits-scoring',
      'automated-enforcement',
    ] as const) {
      const { eu, us } = evaluate(pack, fixture(name).answers).classification;
      expect(`${eu.basis} ${us.basis}`, name).not.toContain('Provisional');
    }
    expect(evaluate(pack, benefits()).classification.eu).toEqual({
      category: 'high-risk',
      basis: 'High-risk under Art. 6(2) (Annex III point 5(a): access to essential public services and benefits).',
    });
    expect(evaluate(pack, fixture('internal-drafting-aid').answers).classification).toMatchObject({
      eu: {
        category: 'transparency',
        basis:
          'Transparency duties under Art. 50: tell people they are dealing with AI, and disclose or mark generated content.',
      },
      us: { highImpact: false },
    });
  });
});

describe('gates, clauses, KPIs and evidence', () => {
  it('gives a Low tier the standard addendum, three KPIs and the basic evidence', () => {
    const answers: Answers = {
      ...fixture('internal-drafting-aid').answers,
      technique: option('interpretable_ml'),
      lockin: option('portable'),
    };
    const outcome = evaluate(pack, answers);
    expect(outcome.tier).toBe('low');
    expect(ids(outcome.gates)).toEqual(['G1', 'G2', 'G3', 'G4']);
    expect(ids(outcome.clauses)).toEqual(['C1', 'C2', 'C5', 'C10', 'C12', 'C15', 'C16']);
    expect(ids(outcome.kpis)).toEqual(['K1', 'K3', 'K12']);
    expect(ids(outcome.evidence)).toEqual(['E1', 'E2']);
  });

  it('adds gates cumulatively as the tier rises', () => {
    const gates = (name: Parameters<typeof fixture>[0]) => ids(evaluate(pack, fixture(name).answers).gates);
    const high = gates('benefits-scoring');
    const critical = gates('automated-enforcement');
    expect(high).toEqual(expect.arrayContaining(['G1', 'G6', 'G11', 'G16']));
    expect(high).not.toContain('G17');
    expect(critical).toEqual(expect.arrayContaining(['G1', 'G6', 'G11', 'G17', 'G19']));
  });

  it('adds trigger-specific gates: generative AI, EU FRIA, UK ATRS and the £5m KPI duty', () => {
    expect(ids(evaluate(pack, fixture('citizen-faq-chatbot').answers).gates)).toEqual(
      expect.arrayContaining(['G20', 'G21', 'G24']),
    );
    expect(ids(evaluate(pack, benefits()).gates)).toEqual(expect.arrayContaining(['G22', 'G24', 'G25']));
  });

  it('reports each KPI at the tier cadence, or its own when that is more frequent', () => {
    const cadence = (outcome: ReturnType<typeof evaluate>, id: string) =>
      outcome.kpis.find((k) => k.id === id)?.cadence;
    const low = evaluate(pack, fixture('internal-drafting-aid').answers);
    expect(cadence(low, 'K3')).toBe('Annually');
    expect(cadence(low, 'K1')).toBe('Monthly');
    const high = evaluate(pack, benefits());
    expect(cadence(high, 'K3')).toBe('Quarterly');
    expect(cadence(high, 'K21')).toBe('Quarterly');
    const critical = evaluate(pack, fixture('automated-enforcement').answers);
    expect(cadence(critical, 'K3')).toBe('Monthly for the first 6 months, then quarterly');
    expect(cadence(critical, 'K1')).toBe('Monthly');
  });

  it('includes the high-tier evidence E3 to E10 for benefits risk scoring', () => {
    expect(ids(evaluate(pack, benefits()).evidence)).toEqual([
      'E1',
      'E2',
      'E3',
      'E4',
      'E5',
      'E6',
      'E7',
      'E8',
      'E9',
      'E10',
    ]);
  });
});

describe('describeAnswer', () => {
  it('shows labels, joined labels, text and "Don\'t know"', () => {
    expect(describeAnswer(question('role'), option('recommends'))).toBe('Scores, flags or recommends cases');
    expect(describeAnswer(question('domains'), options('benefits', 'health'))).toBe(
      'Benefits or public services, Health or care',
    );
    expect(describeAnswer(question('contract_value'), text('£6.2m'))).toBe('£6.2m');
    expect(describeAnswer(question('role'), DK)).toBe("Don't know");
  });
});
