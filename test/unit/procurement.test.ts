/** The checklist's pure rules: items from an outcome, due dates, who may change what, scans, and the request pack. */
import { describe, expect, it } from 'vitest';
import type { Standing } from '../../src/core/access/access.js';
import {
  changeRefusal,
  defaultDue,
  dueItems,
  type ItemChange,
  itemsFromOutcome,
} from '../../src/core/procurement/checklist.js';
import { parseProofUrl, parseUpdate } from '../../src/core/procurement/forms.js';
import type { ChecklistItem, Procurement } from '../../src/core/procurement/procurement.js';
import { progressOf, progressText } from '../../src/core/procurement/procurement.js';
import { csvCell, mdText, requestPack } from '../../src/core/procurement/request-pack.js';
import { clauseRef, closeOutcome, consequenceText } from '../../src/core/procurement/scan.js';

const ANA = { id: 'UANA', name: 'Ana' };
const standing = (role: Standing['role'], guest = false): Standing => ({
  role,
  guest,
  barred: false,
  unverified: false,
});

const item = (over: Partial<ChecklistItem> = {}): ChecklistItem => ({
  id: 'G1',
  kind: 'gate',
  text: 'Add it to the register',
  addressee: 'buyer',
  owner: ANA,
  due: '2026-05-25',
  status: 'open',
  log: [],
  ...over,
});

function procurement(over: Partial<Procurement> = {}): Procurement {
  return {
    v: 1,
    id: 'P-3F8R1A',
    tenant: 't',
    platform: 'slack',
    title: 'Benefits triage',
    dialogueId: 'd1',
    thread: { channel: 'C1', id: '1.1' },
    channel: 'C2',
    stage: 'pre-award',
    awardDate: '2026-06-01',
    timeZone: 'Europe/London',
    items: [item(), item({ id: 'E1', kind: 'evidence', addressee: 'supplier', text: 'FactSheet', reason: 'Always' })],
    scans: [],
    clauseAsks: [],
    kpiProposals: [],
    createdBy: ANA,
    createdAt: '2026-04-01T08:00:00.000Z',
    updatedAt: '2026-04-01T08:00:00.000Z',
    ...over,
  };
}

describe('checklist items', () => {
  it('come from every gate and evidence item, evidence two weeks and gates one week before the award', () => {
    const items = itemsFromOutcome({
      outcome: {
        gates: [{ id: 'G1', text: 'Register it' }],
        evidence: [{ id: 'E1', text: 'FactSheet', reason: 'Always' }],
        clauses: [{ id: 'C1', title: 'Disclosure', gist: '' }],
      },
      supports: (id) => (id === 'E1' ? ['C1', 'C20'] : []),
      awardDate: '2026-06-01',
      today: '2026-04-01',
      owner: ANA,
    });
    expect(items.map((i) => [i.id, i.kind, i.addressee, i.due, i.supports])).toEqual([
      ['G1', 'gate', 'buyer', '2026-05-25', undefined],
      ['E1', 'evidence', 'supplier', '2026-05-18', ['C1']],
    ]);
  });

  it('are never due before today, nor after the award when the award is close', () => {
    expect(defaultDue('2026-04-10', '2026-04-01', 14)).toBe('2026-04-10');
    expect(defaultDue('2026-04-20', '2026-04-01', 14)).toBe('2026-04-06');
  });

  it('join the digest from a week ahead, overdue first, escalating to the owner after 7 days', () => {
    const items = [
      item({ id: 'G1', due: '2026-05-10' }),
      item({ id: 'G2', due: '2026-05-20' }),
      item({ id: 'G3', due: '2026-05-30' }),
      item({ id: 'G4', due: '2026-05-01', status: 'done' }),
    ];
    const due = dueItems(items, '2026-05-17');
    expect(due.map((d) => [d.item.id, d.status, d.overdueDays, d.escalate])).toEqual([
      ['G1', 'overdue', 7, 'owner'],
      ['G2', 'upcoming', 0, 'none'],
    ]);
  });

  it('count done, waived, not applicable and received apart', () => {
    const p = progressOf([
      item({ status: 'done' }),
      item({ status: 'waived' }),
      item({ status: 'na' }),
      item({ status: 'received' }),
      item(),
    ]);
    expect(progressText(p)).toBe('1 of 5 done, 1 waived, 1 not applicable, 1 to review');
  });
});

describe('who may change an item', () => {
  const cases: [string, ChecklistItem, ItemChange, Standing, string, string | undefined][] = [
    ['the owner marks it done', item(), { kind: 'done' }, standing('member'), 'UANA', undefined],
    ['a member who does not own it', item(), { kind: 'done' }, standing('member'), 'UCAROL', 'needs the item’s owner'],
    ['procurement marks it done', item(), { kind: 'done' }, standing('procurement'), 'UBEN', undefined],
    ['procurement waives', item(), { kind: 'waive', reason: 'x' }, standing('procurement'), 'UBEN', 'admin role'],
    ['an admin waives', item(), { kind: 'waive', reason: 'x' }, standing('admin'), 'UADM', undefined],
    ['the owner marks it n/a', item(), { kind: 'na', reason: 'x' }, standing('member'), 'UANA', 'procurement role'],
    ['a guest owner marks it done', item(), { kind: 'done' }, standing('member', true), 'UANA', 'for the buying team'],
    [
      'a guest attaches evidence to a gate',
      item(),
      { kind: 'evidence', proof: { url: 'https://x.example/' } },
      standing('member', true),
      'USUP',
      'not addressed to the supplier',
    ],
    [
      'a guest attaches evidence to its own item',
      item({ addressee: 'supplier' }),
      { kind: 'evidence', proof: { url: 'https://x.example/' } },
      standing('member', true),
      'USUP',
      undefined,
    ],
    [
      'a guest attaches evidence to a settled item',
      item({ addressee: 'supplier', status: 'done' }),
      { kind: 'evidence', proof: { url: 'https://x.example/' } },
      standing('member', true),
      'USUP',
      'settled already',
    ],
    [
      'a buyer "attaches evidence"',
      item({ addressee: 'supplier' }),
      { kind: 'evidence', proof: { url: 'https://x.example/' } },
      standing('admin'),
      'UADM',
      'mark the item done',
    ],
  ];
  it.each(cases)('%s', (_, target, change, who, id, refusal) => {
    const said = changeRefusal(target, change, { id, standing: who });
    if (refusal === undefined) expect(said).toBeUndefined();
    else expect(said).toContain(refusal);
  });
});

describe('the forms', () => {
  it('take https links only, capped before they are parsed', () => {
    expect(parseProofUrl('https://docs.example.gov/a b')).toEqual({ url: 'https://docs.example.gov/a%20b' });
    for (const bad of ['javascript:alert(1)', 'http://x.example/', 'data:text/html,hi', 'file:///etc/passwd']) {
      expect(parseProofUrl(bad)).toHaveProperty('error');
    }
    expect(parseProofUrl('https://user:pw@x.example/')).toEqual({
      error: 'Leave the user name and password out of the link.',
    });
    expect(parseProofUrl(`https://x.example/${'a'.repeat(600)}`)).toEqual({
      error: 'Keep the link under 500 characters.',
    });
  });

  it('need a reason to waive or mark not applicable, and something to change', () => {
    const p = procurement();
    const parse = (values: Record<string, string>) =>
      parseUpdate(values, { procurement: p, today: '2026-04-01', known: [] });
    expect(parse({ item: 'G1', change: 'waive' })).toEqual({ ok: false, errors: { reason: 'Say why it is waived.' } });
    expect(parse({ item: 'G9', change: 'done' })).toEqual({ ok: false, errors: { item: 'Choose the item.' } });
    expect(parse({ item: 'G1', change: 'keep' })).toEqual({
      ok: false,
      errors: { change: 'Choose what happened, or give a new owner or due date.' },
    });
    expect(parse({ item: 'G1', change: 'keep', due: '2026-03-01' })).toMatchObject({
      ok: false,
      errors: { due: 'The new due date is in the past.' },
    });
    expect(parse({ item: 'G1', change: 'done', proof: 'https://x.example/p.pdf' })).toMatchObject({
      ok: true,
      value: { change: { kind: 'done', proof: { url: 'https://x.example/p.pdf' } } },
    });
  });
});

describe('consequence scans', () => {
  it('cap a consequence before reading it, and name a clause only when the pack has it', () => {
    expect(consequenceText('  ok ')).toEqual({ error: 'Say what could happen, in a few words.' });
    expect(consequenceText('x'.repeat(5000))).toEqual({ error: 'Keep a consequence under 500 characters.' });
    expect(clauseRef('we need C11 and C99', new Set(['C11']))).toBe('C11');
    expect(clauseRef('C99 only', new Set(['C11']))).toBeUndefined();
    expect(clauseRef('AC11 is not a clause', new Set(['C11']))).toBeUndefined();
  });

  it('turn Act into checklist items, Influence into clause asks and Monitor into KPIs, numbered after those there', () => {
    const by = ANA;
    const at = '2026-04-01T08:00:00.000Z';
    const p = procurement({
      items: [item(), item({ id: 'A1', kind: 'action' })],
      kpiProposals: [{ id: 'K101', title: 'Earlier', from: 'S1-1' }],
    });
    const scan = {
      n: 2,
      occasion: 'pre-award' as const,
      openedBy: by,
      openedAt: at,
      consequences: [
        { id: 'S2-1', text: 'Act on this', by, at, sort: 'act' as const, impact: 'negative' as const },
        { id: 'S2-2', text: 'Ask for C11', by, at, sort: 'influence' as const },
        { id: 'S2-3', text: 'Free-text ask', by, at, sort: 'influence' as const },
        { id: 'S2-4', text: 'Watch this', by, at, sort: 'monitor' as const },
        { id: 'S2-5', text: 'Unsorted', by, at },
      ],
    };
    const closed = closeOutcome(p, scan, { clauses: new Set(['C11']), today: '2026-04-01', owner: by });
    expect(closed.actions.map((a) => [a.item.id, a.item.due, a.from, a.item.reason])).toEqual([
      ['A2', '2026-05-25', 'S2-1', 'Consequence S2-1 (negative), scan 2'],
    ]);
    expect(closed.asks).toEqual([
      { ref: 'C11', text: 'Ask for C11', from: 'S2-2' },
      { text: 'Free-text ask', from: 'S2-3' },
    ]);
    expect(closed.kpis).toEqual([{ id: 'K102', title: 'Watch this', from: 'S2-4' }]);
    expect(closed.unsorted.map((c) => c.id)).toEqual(['S2-5']);
  });
});

describe('the supplier request pack', () => {
  it('escapes what people typed: no Markdown markup, no spreadsheet formulas', () => {
    expect(mdText('a | b <img src=x> [link](javascript:x)')).toBe('a \\| b \\<img src=x\\> \\[link\\](javascript:x)');
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('plain, with comma')).toBe('"plain, with comma"');
  });

  it('lists the evidence with why, the clauses it supports and when, and the clause asks', () => {
    const p = procurement({
      items: [
        item(),
        item({
          id: 'E1',
          kind: 'evidence',
          addressee: 'supplier',
          text: 'FactSheet',
          reason: 'Always',
          supports: ['C1'],
        }),
      ],
      clauseAsks: [{ text: '=cmd|calc', from: 'S1-1' }],
    });
    const [md, csv] = requestPack(p, undefined);
    expect(md!.content).toContain('| E1 | FactSheet | Always | C1 | 25 May 2026 | asked |');
    expect(md!.content).not.toContain('| G1 |');
    expect(md!.content).toContain('- =cmd\\|calc');
    expect(csv!.content).toBe(
      'item,asked_for,why,supports_clauses,due,status\r\nE1,FactSheet,Always,C1,2026-05-25,asked\r\n',
    );
  });
});
