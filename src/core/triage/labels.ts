/**
 * The words every renderer uses for a tier and an EU category. They come from the pack, so the chat summary, the
 * Markdown report and a contract all say the same. Packs before 2026.12 had no EU labels and records made then
 * stored no tier label: `LEGACY` keeps the words those packs' reports used, and nothing newer reads it.
 */
import { walkCondition } from './conditions.js';
import type { Currency, Pack } from './pack-schema.js';
import type { EuCategory, Tier } from './types.js';

export interface OutcomeLabels {
  tier: Record<Tier, string>;
  eu: Record<EuCategory, string>;
  /** "£5m": the value over which the UK KPI duty applies. */
  kpiOver?: string;
}

const LEGACY: OutcomeLabels = {
  tier: { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical', stop: 'STOP' },
  eu: {
    prohibited: 'Prohibited',
    'high-risk': 'High-risk',
    transparency: 'Transparency duties',
    minimal: 'Minimal risk',
    'out-of-scope': 'Not an AI system',
  },
};

export function outcomeLabels(pack: Pick<Pack, 'tiers' | 'rules'>): OutcomeLabels {
  const { tiers } = pack;
  const threshold = kpiThreshold(pack);
  return {
    tier: {
      low: tiers.low.label,
      medium: tiers.medium.label,
      high: tiers.high.label,
      critical: tiers.critical.label,
      stop: tiers.stop.label,
    },
    eu: pack.rules.classification.eu.labels ?? LEGACY.eu,
    ...(threshold && { kpiOver: formatThreshold(threshold) }),
  };
}

/** A tier's label from a record that may predate stored labels (contracts registered before pack 2026.12). */
export const storedTierLabel = (tier: Tier, label: string | undefined): string => label ?? LEGACY.tier[tier];

/**
 * The contract value over which the UK KPI duty applies: the `money` test in the pack's `kpiDuty` rule, so a
 * contract's Contract Performance Notice duty follows the same pack as its triage.
 */
export function kpiThreshold(pack: Pick<Pack, 'rules'>): { currency: Currency; over: number } | undefined {
  for (const [condition] of walkCondition(pack.rules.classification.uk.kpiDuty.when)) {
    if ('money' in condition) return { currency: condition.money.currency, over: condition.money.over };
  }
  return undefined;
}

const SYMBOL: Record<Currency, string> = { GBP: '£', EUR: '€', USD: '$', CAD: 'CA$' };

/** "£5m", "€750,000". */
export function formatThreshold({ currency, over }: { currency: Currency; over: number }): string {
  const amount = over % 1_000_000 === 0 && over > 0 ? `${over / 1_000_000}m` : over.toLocaleString('en-GB');
  return `${SYMBOL[currency]}${amount}`;
}
