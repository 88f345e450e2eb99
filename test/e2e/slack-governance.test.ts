/**
 * Relational governance on Slack, end to end: joint reviews scheduled from a contract (the tier's cadence from the
 * pack, or a custom one), a supplier change logged, the pre-read posted with the digest three days before a review
 * (KPI results since the last review, open breaches, open checklist items, notified changes), and the relationship
 * pulse recorded at the review, into the contract's history.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  londonNine,
  modalInitial,
  modalState,
  SlackContracts,
  slackButton,
  slackItems,
  slackText,
} from '../helpers/contracts-driver.js';
import type { SlackMessage } from '../helpers/slack-harness.js';

let s: SlackContracts | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** Opens the contract from the contracts list; its view (to the clicker). */
async function contractView(slack: SlackContracts): Promise<SlackMessage> {
  const list = (await slack.command('contracts')).reply;
  const before = slack.fake.calls.length;
  await slack.click(list, slackButton(list, 'contract_open'));
  return slack.nextEphemeral(before);
}

describe('Slack: joint reviews with the supplier', () => {
  it('schedules reviews, posts the pre-read three days ahead, and records the pulse in the history', async () => {
    const slack = await SlackContracts.start();
    s = slack;
    await slack.command('config timezone Europe/London');
    const { summary } = await slack.triage();
    const { contract } = await slack.register(summary, { owner: 'UANA', sro: 'USRO1' });

    // Schedule: the pack's default for a High contract is quarterly; a custom cadence needs its months.
    const view = await contractView(slack);
    const modal = await slack.openModal(view, slackButton(view, 'contract_reviews'));
    expect(modal.callbackId).toBe('contract_reviews_submit');
    expect(modalInitial(modal, 'cadence')).toBe('quarterly');
    expect(JSON.stringify(modal.blocks)).toContain('Quarterly (this tier’s default)');
    expect(modalInitial(modal, 'first')).toBe('2026-07-01');
    const refused = await slack.submit(modal, modalState(modal, { cadence: 'custom', months: '30' }));
    expect((refused.json as { errors: Record<string, string> }).errors).toEqual({
      months: 'Give a whole number of months from 1 to 24.',
    });
    const scheduled = await slack.submit(
      modal,
      modalState(modal, { cadence: 'custom', months: '2', first: '2026-05-20' }),
    );
    expect(scheduled.body).toBe('');
    const stored = async () => (await slack.stored())[0]!;
    await expect.poll(async () => (await stored()).reviews?.months).toBe(2);

    // A result since the start, a breach, and a change the supplier notified.
    slack.clock.set(londonNine('2026-05-02'));
    const [digest] = await slack.tickAt(londonNine('2026-05-02'));
    const k1 = slackItems(digest!).find((i) => i.text.includes('K1 '))!;
    const result = await slack.openModal(digest!, k1.buttons[0]!);
    expect((await slack.submit(result, modalState(result, { value: '99.8 %', rating: 'good' }))).body).toBe('');
    const breachModal = await slack.openModal(
      await contractView(slack),
      slackButton(await contractView(slack), 'contract_breach'),
    );
    expect(
      (await slack.submit(breachModal, modalState(breachModal, { on: '2026-05-02', note: 'Outage of 2 May' }))).body,
    ).toBe('');
    const changeView = await contractView(slack);
    const change = await slack.openModal(changeView, slackButton(changeView, 'contract_change'));
    expect(modalInitial(change, 'on')).toBe('2026-05-02');
    expect((await slack.submit(change, modalState(change, { on: '2026-06-03' }))).json).toMatchObject({
      errors: { on: 'The date cannot be in the future.', note: 'Say what changes.' },
    });
    expect(
      (await slack.submit(change, modalState(change, { note: 'Model v4 replaces v3 from 1 June <!here>' }))).body,
    ).toBe('');
    await expect.poll(async () => (await stored()).changes?.length).toBe(1);

    // 17 May, three days before the review: the digest opens with the pre-read.
    const [before] = await slack.tickAt(londonNine('2026-05-17'));
    const text = slackText(before!);
    expect(text).toContain(`*Pre-read: joint review of ${contract.title} with Acme Analytics Ltd, 20 May 2026*`);
    expect(text).toContain('K1 Service availability review: 99.8 % (Good)');
    expect(text).toContain('B1 2 May 2026: Outage of 2 May');
    expect(text).toContain('None.'); // no checklist was started for this triage
    expect(text).toContain('2 May 2026: Model v4 replaces v3 from 1 June &lt;!here&gt;');
    expect(text.indexOf('Pre-read')).toBeLessThan(text.indexOf('1. '));
    // The day after, no pre-read again.
    const [next] = await slack.tickAt(londonNine('2026-05-18'));
    expect(slackText(next!)).not.toContain('Pre-read');

    // At the review: the pulse, both sides, 1 to 5.
    const [reviewDay] = await slack.tickAt(londonNine('2026-05-20'));
    const review = slackItems(reviewDay!).find((i) => i.text.includes('Joint review with the supplier'))!;
    expect(review.text).toContain('due today');
    const pulse = await slack.openModal(reviewDay!, review.buttons[0]!);
    expect(JSON.stringify(pulse.blocks)).toContain('The supplier: Problems are raised early and dealt with openly');
    const missing = await slack.submit(pulse, modalState(pulse, { value: 'Re-test fairness by July' }));
    expect(Object.keys((missing.json as { errors: Record<string, string> }).errors)).toHaveLength(6);
    const answers = {
      pulse_buyer_1: '4',
      pulse_buyer_2: '3',
      pulse_buyer_3: '5',
      pulse_supplier_1: '5',
      pulse_supplier_2: '4',
      pulse_supplier_3: '4',
      value: 'Re-test fairness by July',
    };
    expect((await slack.submit(pulse, modalState(pulse, answers))).body).toBe('');
    await expect
      .poll(async () => (await stored()).results.find((r) => r.pulse)?.pulse)
      .toEqual({
        buyer: [4, 3, 5],
        supplier: [5, 4, 4],
      });
    // The next review comes two months on; the history has the pulse.
    const after = await contractView(slack);
    expect(slackText(after)).toContain('Pulse (us / supplier): 4/5 · 3/4 · 5/4');
    const beforeHistory = slack.fake.calls.length;
    await slack.click(after, slackButton(after, 'history_show'));
    const history = slackText(await slack.nextEphemeral(beforeHistory));
    expect(history).toContain('(pulse: us 4·3·5, supplier 5·4·4)');
    expect(history).toContain('scheduled joint reviews every 2 months from 2026-05-20');
    expect(history).toContain('logged supplier change N1');
    expect(slack.fake.violations).toEqual([]);
  });
});
