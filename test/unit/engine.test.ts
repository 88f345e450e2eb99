import { readFileSync } from 'node:fs';
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
import { parsePack } from '../../src/core/triage/pack-loader.js';
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
    // The dialogue would still ask the optional go-live date, but leaving it out is no unknown.
    const missing = missingQuestions(pack, answers);
    expect(missing).toContain('go_live');
    expect(outcome.unknowns).toEqual(['effect', ...missing.filter((id) => id !== 'go_live')]);
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
      'go_live',
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
      basis: 'Prohibited practice under Art. 5(1) (Art. 5(1)(d): predicting offending solely from profiling).',
      appliesFrom: '2025-02-02',
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
    expect(classification.ca.mitigation?.applied).toBe(true); // the floor holds after the deduction too
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
        'High-risk under Art. 6(2) (Annex III point 1(a): remote biometric identification); ' +
        'High-risk under Art. 6(2) (Annex III point 1(b): biometric categorisation by sensitive or protected ' +
        'attributes); deployers must also tell the people exposed (Art. 50(3)); ' +
        'High-risk under Art. 6(2) (Annex III point 1(c): emotion recognition); ' +
        'deployers must also tell the people exposed (Art. 50(3)). ' +
        'Not yet ruled out: Prohibited practice under Art. 5(1).',
      appliesFrom: '2027-12-02',
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
      appliesFrom: '2027-12-02',
    });
    // The effect answer alone makes it US high-impact, whatever the domains (only their references are missing).
    expect(outcome.classification.us).toEqual({
      highImpact: true,
      basis:
        'High-impact (OMB M-25-21, appendix section 5): the output is a principal basis for decisions with legal, material, binding or significant effects on rights or safety.',
      appliesFrom: '2025-04-03',
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
        `Provisional: depends on answers still ${DONT_KNOW} (prohibited). Not yet ruled out: Prohibited practice under Art. 5(1).`,
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
      appliesFrom: '2027-12-02',
    });
    expect(evaluate(pack, fixture('internal-drafting-aid').answers).classification).toMatchObject({
      eu: {
        category: 'transparency',
        basis:
          'Transparency duties under Art. 50: tell people they are dealing with AI (50(1)), and make sure generated ' +
          'content is marked (50(2)) and AI-generated text published to inform the public is disclosed (50(4)).',
        appliesFrom: '2026-08-02',
      },
      us: { highImpact: false },
    });
  });
});

describe('the optional go-live date', () => {
  const withoutGoLive = (answers: Answers) => {
    const copy = { ...answers };
    delete copy.go_live;
    return copy;
  };

  it('is asked, but an answer set may leave it out: evaluate requires only the other questions', () => {
    const answers = withoutGoLive(benefits());
    expect(nextQuestion(pack, answers)?.id).toBe('go_live');
    expect(missingQuestions(pack, answers)).toEqual(['go_live']);
    const outcome = evaluate(pack, answers);
    expect(outcome).toMatchObject({ tier: 'high', score: 34, provisional: false, unknowns: [] });
    // Without a triage date the go-live date changes nothing at all.
    expect(outcome).toEqual(evaluate(pack, benefits()));
    let error: unknown;
    try {
      evaluate(pack, { prohibited: options('none'), role: option('none') });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(IncompleteAnswersError);
    expect((error as IncompleteAnswersError).missing).toContain('contract_value');
    expect((error as IncompleteAnswersError).missing).not.toContain('go_live');
    expect((error as IncompleteAnswersError).message).not.toContain('go_live');
  });

  it('treats "Don\'t know" as no unknown: nothing provisional, no evidence item, no uncertainty count', () => {
    const drafting = fixture('internal-drafting-aid').answers;
    expect(drafting.go_live).toEqual(DK);
    const outcome = evaluate(pack, drafting);
    expect(outcome).toMatchObject({ provisional: false, unknowns: [] });
    expect(ids(outcome.evidence)).not.toContain('DK-go_live');
    expect(outcome).toEqual(evaluate(pack, withoutGoLive(drafting)));
    // Three unknowns and a go-live "Don't know" stay below the four that raise the tier; a fourth unknown does.
    const three = { ...drafting, affected: DK, scale: DK, contract_value: DK };
    const unsure = evaluate(pack, three);
    expect(unsure.unknowns).toEqual(['affected', 'scale', 'contract_value']);
    expect(ids(unsure.triggers)).not.toContain('many_unknowns');
    expect(ids(evaluate(pack, { ...three, lockin: DK }).triggers)).toContain('many_unknowns');
    // Nor is it an unknown when a partial dialogue has not reached it yet.
    const open = evaluate(pack, {}, { partial: true });
    expect(open.unknowns).not.toContain('go_live');
    expect(ids(open.evidence)).not.toContain('DK-go_live');
  });

  it('accepts a date or a month, and refuses anything else with a clear message', () => {
    expect(validateAnswer(pack, 'go_live', text(' 2027-04-01 '))).toEqual({ ok: true, value: text('2027-04-01') });
    expect(validateAnswer(pack, 'go_live', text('2027-04'))).toEqual({ ok: true, value: text('2027-04') });
    expect(validateAnswer(pack, 'go_live', DK)).toEqual({ ok: true, value: DK });
    const message = 'Please write the date as YYYY-MM-DD, for example 2027-04-01 (or a month, 2027-04).';
    for (const bad of ['next spring', '01/04/2027', '2027-02-30', '2027-13', '2027-4-1', '2027']) {
      expect(validateAnswer(pack, 'go_live', text(bad)), bad).toEqual({ ok: false, message });
    }
    expect(() => evaluate(pack, { ...benefits(), go_live: text('April 2027') })).toThrow(
      `Answer to "go_live": ${message}`,
    );
  });
});

describe('biometrics: 1:1 verification and 1:N identification', () => {
  // A generative drafting aid: Transparency under the EU AI Act, not US high-impact, Low.
  const low = () => fixture('internal-drafting-aid').answers;

  it('treats 1:1 verification as neither EU high-risk nor US high-impact, but at least Medium with its own gate', () => {
    const outcome = evaluate(pack, { ...low(), scale: option('under_100'), data: option('biometric_verification') });
    expect(outcome.score).toBeLessThan(pack.tiers.medium.from); // the trigger, not the score, makes it Medium
    expect(outcome.tier).toBe('medium');
    expect(outcome.triggers).toEqual([
      { id: 'biometric_verification', label: 'Confirms identities from biometric data (1:1)', minTier: 'medium' },
    ]);
    const { eu, us } = outcome.classification;
    expect(eu.category).toBe('transparency');
    expect(eu.basis).toContain(
      'Biometric verification whose sole purpose is to confirm that a person is who they claim to be is excluded ' +
        'from Annex III point 1(a)',
    );
    expect(us.highImpact).toBe(false);
    expect(ids(outcome.gates)).toContain('G30');
    for (const id of ['G22', 'G23', 'G26']) expect(ids(outcome.gates)).not.toContain(id);
  });

  it('treats 1:N identification as EU high-risk (Annex III point 1(a)), US high-impact and Critical', () => {
    const outcome = evaluate(pack, { ...low(), data: option('biometric_id') });
    expect(outcome.tier).toBe('critical');
    expect(ids(outcome.triggers)).toEqual(['biometric_identification', 'eu_high_risk', 'us_high_impact']);
    expect(outcome.classification.eu).toEqual({
      category: 'high-risk',
      basis: 'High-risk under Art. 6(2) (Annex III point 1(a): remote biometric identification).',
      appliesFrom: '2027-12-02',
    });
    expect(outcome.classification.us).toEqual({
      highImpact: true,
      basis: 'High-impact (OMB M-25-21): one-to-many biometric identification of individuals.',
      appliesFrom: '2025-04-03',
    });
    expect(ids(outcome.gates)).toEqual(expect.arrayContaining(['G22', 'G23', 'G26']));
    expect(ids(outcome.gates)).not.toContain('G30');
  });

  it.each([
    ['biometric_categorisation', 'Annex III point 1(b): biometric categorisation'],
    ['emotion_recognition', 'Annex III point 1(c): emotion recognition'],
  ])('treats %s as EU high-risk (%s) with the Art. 50(3) notice, but not US high-impact', (data, point) => {
    const outcome = evaluate(pack, { ...low(), data: option(data) });
    expect(outcome.tier).toBe('high');
    expect(ids(outcome.triggers)).toEqual(['eu_high_risk']);
    expect(outcome.classification.eu).toMatchObject({ category: 'high-risk', appliesFrom: '2027-12-02' });
    expect(outcome.classification.eu.basis).toContain(point);
    expect(outcome.classification.eu.basis).toContain('deployers must also tell the people exposed (Art. 50(3))');
    expect(outcome.classification.us.highImpact).toBe(false);
    expect(ids(outcome.gates)).toEqual(expect.arrayContaining(['G22', 'G29']));
  });
});

describe('fixed rules: outside the EU AI Act, still assessed for Canada', () => {
  const rulesBased = (answers: Answers): Answers => {
    const copy: Answers = { ...answers, technique: option('rules') };
    delete copy.explainability;
    return copy;
  };

  it('is not an AI system under Art. 3(1), even where the answers would otherwise make it high-risk', () => {
    const outcome = evaluate(pack, rulesBased(benefits()));
    expect(outcome.classification.eu).toEqual({
      category: 'out-of-scope',
      basis: expect.stringMatching(/^Not an AI system under Art\. 3\(1\): rules defined solely by people/),
    });
    expect(outcome.classification.eu.basis).toContain(
      'No AI Act duty applies; data-protection and equality law still do.',
    );
    expect(ids(outcome.triggers)).not.toContain('eu_high_risk');
    expect(ids(outcome.gates)).not.toContain('G22');
    expect(ids(outcome.clauses)).not.toContain('C17');
    // Drafting in an Annex III area needs no Art. 6(3) note either, and a public-facing tool no Art. 50 duty.
    const drafting = evaluate(pack, rulesBased({ ...benefits(), role: option('drafts') })).classification.eu;
    expect(drafting.category).toBe('out-of-scope');
    expect(drafting.basis).not.toContain('Art. 6(3)');
    const chatbot = evaluate(pack, rulesBased(fixture('citizen-faq-chatbot').answers));
    expect(chatbot.classification.eu.category).toBe('out-of-scope');
    expect(ids(chatbot.gates)).not.toContain('G29');
  });

  it('still gives the Canadian AIA-style level and the UK duties', () => {
    const { classification } = evaluate(pack, rulesBased(benefits()));
    expect(classification.ca).toMatchObject({ level: 'III', appliesFrom: '2025-06-24' });
    expect(classification.ca.basis).toMatch(/^AIA-style estimate from the triage score/);
    expect(classification.uk).toMatchObject({ atrsExpected: true, kpiDuty: true });
  });

  it('comes after the prohibited rule: a prohibited practice still stops, an unconfirmed one is not ruled out', () => {
    const stopped = evaluate(pack, { ...rulesBased(benefits()), prohibited: options('social_scoring') });
    expect(stopped.tier).toBe('stop');
    expect(stopped.classification.eu.category).toBe('prohibited');
    const unsure = evaluate(pack, { ...rulesBased(benefits()), prohibited: DK });
    expect(unsure.classification.eu.category).toBe('out-of-scope');
    expect(unsure.classification.eu.basis).toContain('Not yet ruled out: Prohibited practice under Art. 5(1).');
    // "Don't know" on the technique keeps the AI Act in play.
    expect(evaluate(pack, { ...benefits(), technique: DK }).classification.eu.category).toBe('high-risk');
  });
});

describe('Canada: the AIA-style mitigation deduction', () => {
  // Benefits scoring with every output reviewed (no tested fallback), full explanations and recourse in place.
  const mitigated = (): Answers => ({
    ...benefits(),
    explainability: option('full'),
    contestability: option('in_place'),
  });

  it('takes 15 % off the score before the level is read when mitigation reaches 80 % of its maximum', () => {
    const { score, classification } = evaluate(pack, mitigated());
    expect(score).toBe(31); // 53 %: level III without the deduction
    expect(classification.ca.mitigation).toEqual({ points: 6, max: 7, applied: true, score: 26 });
    expect(classification.ca.level).toBe('II');
    expect(classification.ca.basis).toContain(
      '31 of 58 points (53 %). Mitigation 6 of 7 (86 %), at least 80 %: 15 % off, 26 points (45 %).',
    );
  });

  it('takes nothing off below 80 %', () => {
    const { score, classification } = evaluate(pack, { ...mitigated(), oversight: option('sampled') });
    expect(score).toBe(33);
    expect(classification.ca.mitigation).toEqual({ points: 5, max: 7, applied: false, score: 33 });
    expect(classification.ca.level).toBe('III');
    expect(classification.ca.basis).toContain('Mitigation 5 of 7 (71 %), under 80 %: no deduction.');
  });

  it('counts a skipped question for neither side, so 4 of 5 is exactly 80 % and applies', () => {
    // Fixed rules skip explainability; its stale answer is ignored.
    const rules = { ...mitigated(), technique: option('rules') };
    expect(evaluate(pack, rules).classification.ca.mitigation).toEqual({ points: 4, max: 5, applied: true, score: 25 });
    const sampled = evaluate(pack, { ...rules, oversight: option('sampled') }).classification.ca;
    expect(sampled.mitigation).toEqual({ points: 3, max: 5, applied: false, score: 31 });
    expect(sampled.level).toBe('III');
    // No decisions about people skips contestability.
    const none = { ...mitigated(), role: option('none'), oversight: option('full_with_fallback') };
    expect(evaluate(pack, none).classification.ca.mitigation).toEqual({ points: 5, max: 5, applied: true, score: 22 });
  });

  it('gives a "Don\'t know" no credit but keeps its share of the maximum', () => {
    const answers = { ...mitigated(), oversight: option('full_with_fallback'), explainability: DK };
    expect(evaluate(pack, answers).classification.ca.mitigation).toEqual({
      points: 5,
      max: 7,
      applied: false,
      score: 33,
    });
  });
});

describe('the timeline of dated duties', () => {
  const enforcement = () => fixture('automated-enforcement').answers;
  const duty = (outcome: ReturnType<typeof evaluate>, ref: string) =>
    outcome.timeline?.duties.find((d) => d.ref === ref);

  it('says a duty from 2 Dec 2027 does not bind yet on 1 Dec 2026 but binds by a go-live of 15 Jan 2028', () => {
    const outcome = evaluate(pack, enforcement(), { on: '2026-12-01' });
    expect(outcome.timeline).toMatchObject({ triageDate: '2026-12-01', goLive: '2028-01-15' });
    const fria = outcome.gates.find((g) => g.id === 'G22')!;
    expect(fria.appliesFrom).toBe('2027-12-02');
    expect(duty(outcome, 'G22')).toEqual({
      ref: 'G22',
      text: fria.text,
      from: '2027-12-02',
      onTriageDate: 'not-yet',
      atGoLive: 'binds',
    });
    expect(duty(outcome, 'C17')).toEqual({
      ref: 'C17',
      text: 'Regulatory conformity',
      from: '2027-12-02',
      onTriageDate: 'not-yet',
      atGoLive: 'binds',
    });
    expect(duty(outcome, 'G25')).toMatchObject({ from: '2025-02-24', onTriageDate: 'binds', atGoLive: 'binds' });
    // Every dated gate and clause, and nothing else.
    const dated = [...outcome.gates, ...outcome.clauses].filter((x) => x.appliesFrom !== undefined);
    expect(outcome.timeline?.duties.map((d) => d.ref)).toEqual(ids(dated));
  });

  it('binds from the day itself, and reads a month as its first day', () => {
    expect(duty(evaluate(pack, enforcement(), { on: '2027-12-01' }), 'G22')?.onTriageDate).toBe('not-yet');
    expect(duty(evaluate(pack, enforcement(), { on: '2027-12-02' }), 'G22')?.onTriageDate).toBe('binds');
    const june = evaluate(pack, { ...enforcement(), go_live: text('2027-06') }, { on: '2026-12-01' });
    expect(june.timeline?.goLive).toBe('2027-06-01');
    expect(duty(june, 'G22')?.atGoLive).toBe('not-yet');
  });

  it('leaves out go-live when it is not given, and the whole timeline without a triage date', () => {
    for (const goLive of [DK, undefined]) {
      const answers: Answers = { ...enforcement() };
      if (goLive) answers.go_live = goLive;
      else delete answers.go_live;
      const { timeline } = evaluate(pack, answers, { on: '2026-12-01' });
      expect(timeline?.triageDate).toBe('2026-12-01');
      expect(timeline).not.toHaveProperty('goLive');
      expect(timeline?.duties.length).toBeGreaterThan(0);
      for (const d of timeline?.duties ?? []) expect(d).not.toHaveProperty('atGoLive');
    }
    const { timeline, ...rest } = evaluate(pack, enforcement(), { on: '2026-12-01' });
    expect(timeline).toBeDefined();
    const undated = evaluate(pack, enforcement());
    expect(undated).not.toHaveProperty('timeline');
    expect(rest).toEqual(undated);
  });

  it('gives no timeline for a pack that dates nothing (2026.11)', () => {
    const old = parsePack(readFileSync('prompts/triage/archive/default-2026.11.yaml', 'utf8'), 'archive');
    const answers: Answers = { ...enforcement() };
    delete answers.go_live;
    expect(evaluate(old, answers, { on: '2026-12-01' })).not.toHaveProperty('timeline');
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
