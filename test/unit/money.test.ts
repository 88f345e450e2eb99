import { describe, expect, it } from 'vitest';
import { parseMoney } from '../../src/core/triage/money.js';

describe('parseMoney', () => {
  it.each([
    ['£6.2m', 6_200_000, 'GBP'],
    ['6,200,000 GBP', 6_200_000, 'GBP'],
    ['€3 million', 3_000_000, 'EUR'],
    ['$750k', 750_000, 'USD'],
    ['2.5bn', 2_500_000_000, null],
    ['GBP 6.2 million', 6_200_000, 'GBP'],
    ['GBP6m', 6_000_000, 'GBP'],
    ['1.5 million pounds', 1_500_000, 'GBP'],
    ['12k euros', 12_000, 'EUR'],
    ['5 000 000 EUR', 5_000_000, 'EUR'],
    ['6,2m €', 6_200_000, 'EUR'],
    ['C$500k', 500_000, 'CAD'],
    ['CAD 1.2M', 1_200_000, 'CAD'],
    ['US$2m', 2_000_000, 'USD'],
    ['£1,234.56', 1234.56, 'GBP'],
    ['£5,000,000.01', 5_000_000.01, 'GBP'],
    ['about 450,000 GBP incl. VAT', 450_000, 'GBP'],
    ['$ 3.5 bn', 3_500_000_000, 'USD'],
  ])('reads %s', (input, amount, currency) => {
    expect(parseMoney(input)).toEqual({ amount, currency });
  });

  it('prefers the amount written with a currency over other numbers in the text', () => {
    expect(parseMoney('Q3 2026 budget: £6m')).toEqual({ amount: 6_000_000, currency: 'GBP' });
    expect(parseMoney('v2 of the tool, £10m')).toEqual({ amount: 10_000_000, currency: 'GBP' });
  });

  it('reads the first amount of a range', () => {
    expect(parseMoney('£4m–£6m')).toEqual({ amount: 4_000_000, currency: 'GBP' });
  });

  it('takes the currency from elsewhere in the text when only one is mentioned', () => {
    expect(parseMoney('Sterling, roughly 7.5m')).toEqual({ amount: 7_500_000, currency: 'GBP' });
  });

  it.each(['', 'n/a', '£', 'not decided yet', '-£5m', '£-5m'])('finds no amount in %j', (input) => {
    expect(parseMoney(input)).toBeNull();
  });
});
