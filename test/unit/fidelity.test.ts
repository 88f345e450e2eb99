/**
 * The public-cases suite as a requirement: the default pack reproduces every published label it claims to model
 * (`claims` in the pack), on real systems answered from their published records.
 */
import { describe, expect, it } from 'vitest';
import { compare, JURISDICTIONS, loadCases } from '../fidelity/cases.js';
import { pack } from './triage-helpers.js';

const cases = loadCases();
const results = compare(pack, cases);

describe('public cases', () => {
  it('holds at least 30 real systems from all four registers, each with its source and published label', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    const registers = new Set(cases.map((c) => c.source.register));
    expect([...registers].sort()).toEqual(['ca-aia', 'nl-algoritmeregister', 'uk-atrs', 'us-ai-inventory-2025']);
    for (const c of cases) expect(c.source.url, c.file).toMatch(/^https:\/\//);
    // The US set includes the label this suite most needs: presumed high-impact, then determined not.
    expect(cases.filter((c) => c.labels.us === 'presumed-not-high-impact').length).toBeGreaterThanOrEqual(2);
  });

  it('explains every answer that took judgement, and nothing that was not answered', () => {
    const unexplained = cases.flatMap((c) =>
      Object.entries(c.answers)
        .filter(([id, value]) => id !== 'go_live' && !(id === 'prohibited' && `${value}` === 'none'))
        .filter(([id]) => !c.judgement[id])
        .map(([id]) => `${c.file}: ${id}`),
    );
    const stray = cases.flatMap((c) =>
      Object.keys(c.judgement)
        .filter((id) => !(id in c.answers))
        .map((id) => `${c.file}: ${id}`),
    );
    expect(unexplained).toEqual([]);
    expect(stray).toEqual([]);
  });

  it('claims something for every jurisdiction, and each claim holds on every case it covers', () => {
    for (const jurisdiction of JURISDICTIONS) expect(pack.claims?.[jurisdiction], jurisdiction).toBeDefined();
    const broken = results
      .filter((r) => r.claimed && !r.claimed.holds && !r.case.contested)
      .map((r) => `${r.case.file} [${r.jurisdiction}]: published ${r.published}, the pack says ${r.pack}`);
    expect(broken).toEqual([]);
  });

  it('accepts a broken claim only where the register itself publishes two labels for one system', () => {
    for (const r of results.filter((x) => x.case.contested)) {
      const other = cases.find((c) => c.file === r.case.contested?.with);
      expect(other, r.case.file).toBeDefined();
      expect(other?.contested?.with).toBe(r.case.file);
      expect(other?.labels[r.jurisdiction]).toBeDefined();
      expect(other?.labels[r.jurisdiction]).not.toBe(r.case.labels[r.jurisdiction]);
      // One of the pair must agree: the pack is wrong about at most the one the register contradicts.
      const pair = results.filter((x) => x.jurisdiction === r.jurisdiction && x.case.file === other?.file);
      expect(pair.some((x) => x.agrees) || r.agrees).toBe(true);
    }
  });

  it('tells 1:1 biometric verification from 1:N identification, and fixed rules from AI', () => {
    const outcome = (file: string) => results.find((r) => r.case.file === file)!.outcome;
    // A 1:1 face match at a port of entry is not Annex III point 1(a) and trips no Critical trigger...
    const verification = outcome('us-cbp-tvs-officer-face-match.json');
    expect(verification.triggers.map((t) => t.id)).not.toContain('biometric_identification');
    expect(verification.classification.eu.basis).not.toContain('point 1(a): remote');
    // ...a 1:N face search is, and does.
    const identification = outcome('us-usss-obim-face-search.json');
    expect(identification.triggers.map((t) => t.id)).toContain('biometric_identification');
    expect(identification.classification.eu.basis).toContain('Annex III point 1(a)');
    // A rules engine is outside the AI Act, while Canada's directive still reaches it.
    const rules = outcome('uk-dvla-drivers-medical-casework.json');
    expect(rules.classification.eu.category).toBe('out-of-scope');
    expect(rules.classification.ca.appliesFrom).toBe('2025-06-24');
  });
});
