/**
 * Relational governance on Teams, end to end: a contract registered early (an admin, with a reason) while its
 * checklist still has open items; joint reviews scheduled from the contract card; the pre-read in the digest three
 * days before, listing those open items; and the pulse recorded on the review's card form.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  cardAction,
  cardItems,
  cardLines,
  londonNine,
  PROCUREMENT_CHANNEL,
  TeamsContracts,
} from '../helpers/contracts-driver.js';
import { errorsOf, postedBy, viaForm } from '../helpers/teams-forms.js';
import { cardText } from '../support/adaptive-cards.js';
import { waitUntil } from '../support/wait.js';

let t: TeamsContracts | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('Teams: joint reviews with the supplier', () => {
  it('schedules reviews from the contract card, lists open checklist items in the pre-read, and records the pulse', async () => {
    const teams = await TeamsContracts.start();
    t = teams;
    await teams.say('config channel', { channelId: PROCUREMENT_CHANNEL });
    const { summary, thread } = await teams.triage();
    expect(errorsOf((await viaForm(teams, summary, 'proc_start', { award: '2026-06-01' })).result)).toEqual([]);
    await waitUntil(
      () => teams.connector.thread(thread).some((m) => String(m.activity.summary ?? '').startsWith('Checklist for')),
      5000,
      'the checklist card',
    );
    // Registered early: the admin says why.
    const early = await viaForm(teams, summary, 'contract_register', {
      supplier: 'Acme Analytics Ltd',
      early: 'Emergency award',
    });
    expect(errorsOf(early.result)).toEqual([]);
    const [contract] = await teams.stored();
    expect(contract).toBeDefined();

    // The award redraws the checklist and the summary meanwhile: the answer is the card listing the contracts.
    const list = (await teams.say('contracts')).find((m) => cardLines(m.cards[0])[0] === 'AI contracts (1)');
    const card = await postedBy(teams, list!, 'contract_open');
    const schedule = await viaForm(teams, card, 'contract_reviews', { cadence: 'monthly', first: '2026-05-10' });
    expect(errorsOf(schedule.result)).toEqual([]);
    await expect.poll(async () => (await teams.stored())[0]!.reviews?.cadence).toBe('monthly');

    // 7 May: the pre-read for the 10 May review lists the checklist's open items.
    const [digest] = await teams.tickAt(londonNine('2026-05-07'));
    const text = cardText(digest!.cards[0]);
    expect(text).toContain(`Pre-read: joint review of ${contract!.title} with Acme Analytics Ltd, 10 May 2026`);
    expect(text).toContain('Open checklist items');
    expect(text).toContain('E1 Supplier FactSheet or model card');

    // The review day: its card form asks for the pulse, both sides.
    const [day] = await teams.tickAt(londonNine('2026-05-10'));
    const item = cardItems(day!.cards[0]).find((i) => i.text.includes('Joint review with the supplier'))!;
    const pulse = await viaForm(teams, day!, item.actions[0]!, {
      pulse_buyer_1: '3',
      pulse_buyer_2: '4',
      pulse_buyer_3: '4',
      pulse_supplier_1: '4',
      pulse_supplier_2: '4',
      pulse_supplier_3: '2',
      value: 'Supplier to share drift reports monthly',
    });
    expect(errorsOf(pulse.result)).toEqual([]);
    await expect
      .poll(async () => (await teams.stored())[0]!.results.find((r) => r.pulse)?.pulse)
      .toEqual({
        buyer: [3, 4, 4],
        supplier: [4, 4, 2],
      });
    expect(cardAction(card.cards[0], 'contract_change').title).toBe('Log supplier change');
  });
});
