/**
 * "Register contract": the form, prefilled from a completed triage (registration-prefill.ts) and parsed into a
 * contract record by registration-parse.ts.
 */

import { capInitials, type FieldErrors, listValue, textValue, userInitial } from '../form-values.js';
import { formatThreshold, storedTierLabel } from '../triage/labels.js';
import type { FormField, FormValues, FormView, Paragraph } from '../view.js';
import { ContractActions } from './actions.js';
import { CURRENCIES, JURISDICTION_LABEL, JURISDICTIONS, MATERIAL_KPIS } from './contract.js';
import type { LibraryKpi, RegistrationPrefill } from './registration-prefill.js';

export const RegistrationFields = {
  title: 'title',
  supplier: 'supplier',
  value: 'value',
  currency: 'currency',
  start: 'start',
  end: 'end',
  owner: 'owner',
  sro: 'sro',
  jurisdiction: 'jurisdiction',
  timeZone: 'timeZone',
  kpis: 'kpis',
  material: 'material',
  early: 'early',
} as const;

export const EARLY_MAX = 500;

/** The optional target field of a prefilled KPI. */
export const targetField = (kpiId: string) => `target_${kpiId}`;
/** The review cadence field of a prefilled KPI: one of the pack's cadence ids. */
export const cadenceField = (kpiId: string) => `cadence_${kpiId}`;

export const TITLE_MAX = 150;
export const SUPPLIER_MAX = 150;
export const TARGET_MAX = 200;
export const AMOUNT_MAX = 1e12;
/** The value field, as typed ("£6.2m", "6,200,000"). */
export const VALUE_MAX = 50;

/** Offered in the time zone list; the prefilled zone is added when it is not among them. */
export const COMMON_TIME_ZONES = [
  'Europe/London',
  'Europe/Dublin',
  'Europe/Lisbon',
  'Europe/Paris',
  'Europe/Brussels',
  'Europe/Amsterdam',
  'Europe/Berlin',
  'Europe/Madrid',
  'Europe/Rome',
  'Europe/Stockholm',
  'Europe/Warsaw',
  'Europe/Athens',
  'Europe/Helsinki',
  'America/St_Johns',
  'America/Halifax',
  'America/Toronto',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Vancouver',
  'Pacific/Honolulu',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Australia/Sydney',
  'Pacific/Auckland',
  'UTC',
] as const;

const amountText = (amount: number) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }).format(amount);

function kpiOption(kpi: LibraryKpi) {
  return { id: kpi.id, label: `${kpi.id} ${kpi.title}` };
}

/**
 * The registration form. `values` (what was submitted) are shown again beside `errors`, so a Teams card drawn
 * again after a mistake keeps what the person typed; Slack keeps them in the modal itself.
 */
export function registrationForm(prefill: RegistrationPrefill, errors?: FieldErrors, values?: FormValues): FormView {
  const F = RegistrationFields;
  const text = (id: string, initial: string | undefined) => (values && id in values ? textValue(values, id) : initial);
  const list = (id: string, initial: string[]) => (values && id in values ? listValue(values, id) : initial);
  const known = [prefill.owner, prefill.sro];
  const zones: string[] = [...COMMON_TIME_ZONES];
  if (!zones.includes(prefill.timeZone)) zones.unshift(prefill.timeZone);
  const over = prefill.kpiThreshold ? formatThreshold(prefill.kpiThreshold) : undefined;
  const kpiOptions = prefill.library.map(kpiOption);
  const cadenceOptions = prefill.cadences.map((c) => ({ id: c.id, label: c.label }));
  const selectedTargets = prefill.kpis
    .map((id) => prefill.library.find((k) => k.id === id))
    .filter((k): k is LibraryKpi => k !== undefined);
  const owner = userInitial(values, F.owner, known, prefill.owner);
  const sro = userInitial(values, F.sro, known, prefill.sro);

  const fields: FormField[] = [
    ...(prefill.early
      ? [
          {
            kind: 'text' as const,
            id: F.early,
            label: 'Why register before the checklist is ready for award? (admins only)',
            initial: text(F.early, undefined),
            maxLength: EARLY_MAX,
            multiline: true,
            hint: prefill.early.why,
          },
        ]
      : []),
    { kind: 'text', id: F.title, label: 'Contract title', initial: text(F.title, prefill.title), maxLength: TITLE_MAX },
    {
      kind: 'text',
      id: F.supplier,
      label: 'Supplier',
      initial: text(F.supplier, prefill.supplier),
      maxLength: SUPPLIER_MAX,
    },
    {
      kind: 'text',
      id: F.value,
      label: 'Total value',
      initial: text(F.value, prefill.value ? amountText(prefill.value.amount) : undefined),
      placeholder: 'e.g. 6,200,000 or £6.2m',
      maxLength: VALUE_MAX,
      hint: 'Including options and extensions.',
    },
    {
      kind: 'select',
      id: F.currency,
      label: 'Currency',
      options: CURRENCIES.map((c) => ({ id: c, label: c })),
      initial: text(F.currency, prefill.value?.currency ?? undefined),
    },
    { kind: 'date', id: F.start, label: 'Start date', initial: text(F.start, prefill.start) },
    {
      kind: 'date',
      id: F.end,
      label: 'End date',
      initial: text(F.end, prefill.end),
      hint: 'Reminders run until this date; a re-triage is due 6 months before it.',
    },
    {
      kind: 'user',
      id: F.owner,
      label: 'Contract owner',
      ...(owner ? { initial: owner } : {}),
      hint: 'Mentioned when a reminder is 7 days overdue.',
    },
    {
      kind: 'user',
      id: F.sro,
      label: 'Senior responsible owner (SRO)',
      ...(sro ? { initial: sro } : {}),
      hint: 'Mentioned when a reminder is 14 days overdue.',
    },
    {
      kind: 'select',
      id: F.jurisdiction,
      label: 'Jurisdiction',
      options: JURISDICTIONS.map((j) => ({ id: j, label: JURISDICTION_LABEL[j] })),
      initial: text(F.jurisdiction, prefill.jurisdiction),
    },
    {
      kind: 'select',
      id: F.timeZone,
      label: 'Review time zone',
      options: zones.map((z) => ({ id: z, label: z })),
      initial: text(F.timeZone, prefill.timeZone),
      hint: 'Due dates and the daily digest follow this zone.',
    },
    {
      kind: 'multiselect',
      id: F.kpis,
      label: 'KPIs to track',
      options: kpiOptions,
      initial: list(F.kpis, prefill.kpis),
      hint: over
        ? `From the triage KPI pack. UK contracts over ${over} need at least 3 (Procurement Act 2023 s.52).`
        : 'From the triage KPI pack.',
    },
    {
      kind: 'multiselect',
      id: F.material,
      label: 'The 3 most material KPIs',
      options: kpiOptions,
      initial: list(F.material, prefill.material),
      max: MATERIAL_KPIS,
      optional: true,
      hint: over
        ? `Named in the Contract Details Notice; exactly 3 for UK contracts over ${over}.`
        : 'Named in the Contract Details Notice, where one is required.',
    },
    // Per prefilled KPI, its target and review cadence side by side: 2 blocks each, 67 in all with every KPI of
    // the default pack (27), inside Slack's 100. No hint per KPI (the intro says it once), so the Teams card stays
    // under its ~28 KB. KPIs added from the library take the standard target and cadence.
    ...selectedTargets.flatMap((kpi): FormField[] => [
      {
        kind: 'text',
        id: targetField(kpi.id),
        label: `Target: ${kpi.id} ${kpi.title}`,
        initial: text(targetField(kpi.id), prefill.targets[kpi.id] ?? kpi.target),
        maxLength: TARGET_MAX,
        optional: true,
      },
      {
        kind: 'select',
        id: cadenceField(kpi.id),
        label: `Review cadence: ${kpi.id}`,
        options: cadenceOptions,
        initial: text(cadenceField(kpi.id), kpi.cadenceId),
      },
    ]),
  ];
  const intro: Paragraph = ['From the triage ', { strong: prefill.title }];
  if (prefill.triage)
    intro.push(
      ` (${storedTierLabel(prefill.triage.tier, prefill.triage.tierLabel)}, score ${prefill.triage.score} of ${prefill.triage.max})`,
    );
  intro.push(
    '. The KPIs, targets and review cadences come from its KPI pack: change anything that differs. An empty target means the standard one.',
  );
  return capInitials({
    title: 'Register contract',
    intro,
    fields,
    submit: {
      id: ContractActions.submitRegistration,
      label: 'Register',
      value: { d: prefill.dialogueId },
      style: 'primary',
    },
    ...(errors && Object.keys(errors).length ? { errors } : {}),
  });
}
