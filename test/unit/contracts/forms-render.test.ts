/**
 * The registration form through the platform form renderers (Slack modal, Teams card): submitted as drawn, what
 * each platform sends back parses into a contract.
 */
import { describe, expect, it } from 'vitest';
import { modalValues, renderModal } from '../../../src/channels/slack/render/modal.js';
import { formValues, renderFormCard } from '../../../src/channels/teams/render/form-card.js';
import { obligationsOf } from '../../../src/core/contracts/obligations.js';
import { registrationForm } from '../../../src/core/contracts/registration-form.js';
import { parseRegistration } from '../../../src/core/contracts/registration-parse.js';
import { prefillFromTriage } from '../../../src/core/contracts/registration-prefill.js';
import { breachForm, resultForm } from '../../../src/core/contracts/result-forms.js';
import { evaluate } from '../../../src/core/triage/engine.js';
import { validateCard } from '../../support/adaptive-cards.js';
import { validateView } from '../../support/blockkit.js';
import { fixture, pack } from '../triage-helpers.js';
import { CLERK, completedDialogue, makeContract } from './helpers.js';

const NOW = new Date('2026-04-01T08:30:00Z');
const critical = fixture('automated-enforcement');
const prefill = prefillFromTriage({
  dialogue: completedDialogue(pack, critical),
  outcome: evaluate(pack, critical.answers),
  pack,
  by: { id: '29:1abc', name: 'Cleo Clerk' },
  timeZone: 'Europe/London',
  now: NOW,
});
const cadenceOf = (id: string) => prefill.library.find((k) => k.id === id)?.cadence;

describe('contract forms on each platform', () => {
  it('parses a Slack registration modal submitted as drawn (people from the picker, lists of choices)', () => {
    const form = registrationForm({ ...prefill, owner: { id: 'U0CLERK1' }, sro: { id: 'U0SRO001' } });
    const modal = renderModal(form, JSON.stringify(form.submit.value));
    expect(modal.callback_id).toBe(form.submit.id);
    // What Slack sends back in view.state.values when nobody changes anything.
    const state: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const block of modal.blocks as Record<string, unknown>[]) {
      if (block.type !== 'input') continue;
      const element = block.element as Record<string, unknown>;
      const id = String(block.block_id);
      const initial = element.initial_option as { value: string } | undefined;
      const value: Record<string, unknown> =
        element.type === 'users_select'
          ? { selected_user: element.initial_user ?? null }
          : element.type === 'datepicker'
            ? { selected_date: element.initial_date ?? null }
            : element.type === 'static_select'
              ? { selected_option: initial ?? null }
              : element.type === 'multi_static_select'
                ? { selected_options: element.initial_options ?? [] }
                : { value: element.initial_value ?? null };
      state[id] = { [id]: { type: element.type, ...value } };
    }
    const parsed = parseRegistration(
      { ...modalValues(state), supplier: 'Acme Analytics Ltd' },
      { id: 'C-7K2M9Q', tenant: 'slack_T1', platform: 'slack', channel: 'C0PROCURE', prefill, by: CLERK, now: NOW },
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    // modalValues sends a picked person as `user:<id>`; the registering person is known by id, so their name
    // comes along.
    expect(modalValues(state).owner).toBe('user:U0CLERK1');
    expect([parsed.contract.owner, parsed.contract.sro]).toEqual([CLERK, { id: 'U0SRO001' }]);
    expect(parsed.contract.kpis.map((k) => k.id)).toEqual(prefill.kpis);
    expect(parsed.contract.kpis.filter((k) => k.material)).toHaveLength(3);
    expect(parsed.contract.kpis.map((k) => k.cadence)).toEqual(prefill.kpis.map((id) => cadenceOf(id)));
    expect(parsed.contract.kpis.find((k) => k.id === 'K2')?.cadence).toEqual({
      months: 1,
      thenMonths: 3,
      firstMonths: 6,
    });
  });

  it('parses a Teams registration card submitted as drawn (typed names, comma-separated choices)', () => {
    const card = renderFormCard(registrationForm(prefill));
    const data: Record<string, unknown> = {};
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const o = node as Record<string, unknown>;
        if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string')
          data[o.id] = o.value ?? '';
        if (o.type === 'Action.Execute' && o.data && typeof o.data === 'object') Object.assign(data, o.data);
        Object.values(o).forEach(walk);
      }
    };
    walk(card);
    const parsed = parseRegistration(
      { ...formValues(data), supplier: 'Acme Analytics Ltd' },
      {
        id: 'C-7K2M9Q',
        tenant: 'teams_t1',
        platform: 'teams',
        channel: '19:abc@thread.tacv2',
        prefill,
        by: CLERK,
        now: NOW,
      },
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.contract.owner).toEqual({ id: '29:1abc', name: 'Cleo Clerk' });
    expect(parsed.contract.kpis.map((k) => k.id)).toEqual(prefill.kpis);
    expect(parsed.contract.kpis.map((k) => k.cadence)).toEqual(prefill.kpis.map((id) => cadenceOf(id)));
    expect(parsed.contract.cpnDuty).toBe(true);
  });
});

describe('contract forms within each platform’s limits', () => {
  it('renders the registration, result and breach forms as valid Slack modals and Adaptive Cards', () => {
    const contract = makeContract();
    const obligation = obligationsOf(contract).find((o) => o.kind === 'kpi');
    if (!obligation) throw new Error('the test contract has no KPI review');
    const forms = [
      registrationForm(prefill),
      registrationForm(prefill, { value: 'Give the amount, e.g. £6.2m', end: 'After the start, please' }),
      resultForm(contract, obligation),
      resultForm(contract, obligation, { rating: 'Choose a rating.' }),
      breachForm(contract, '2026-04-01'),
    ];
    for (const form of forms) {
      expect(validateView(renderModal(form, JSON.stringify(form.submit.value))), form.title).toEqual([]);
      expect(validateCard(renderFormCard(form)), form.title).toEqual([]);
    }
  });

  it('draws every field of the largest registration form (critical tier, a target and a cadence per KPI)', () => {
    expect(prefill.triage?.tier).toBe('critical');
    const everyKpi = { ...prefill, kpis: prefill.library.map((k) => k.id) };
    for (const p of [prefill, everyKpi]) {
      const form = registrationForm(p);
      expect(form.fields.filter((f) => f.id.startsWith('cadence_'))).toHaveLength(p.kpis.length);
      const modal = renderModal(form, JSON.stringify(form.submit.value));
      expect(validateView(modal)).toEqual([]);
      // renderModal would drop blocks past 100: the intro and one input per field must all be there.
      const blocks = modal.blocks as { block_id?: string }[];
      expect(blocks).toHaveLength(form.fields.length + 1);
      expect(blocks.length).toBeLessThanOrEqual(100);
      expect(blocks.at(-1)?.block_id).toBe(form.fields.at(-1)?.id);
      const card = renderFormCard(form);
      expect(validateCard(card)).toEqual([]);
      // Teams refuses a message over about 28 KB, the activity around the card included.
      expect(JSON.stringify(card).length).toBeLessThan(26_000);
    }
  });
});
