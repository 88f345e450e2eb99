/** Checks a submitted registration form and builds the contract record, with a message beside each wrong field. */

import { addMonths, formatLocalDate, isLocalDate, isValidTimeZone, type LocalDate, localDateOf } from '../calendar.js';
import { type FieldErrors, listValue, resolveUser, textValue, tooLong, USER_MAX } from '../form-values.js';
import { formatThreshold } from '../triage/labels.js';
import { parseMoney } from '../triage/money.js';
import type { FormValues, UserRef } from '../view.js';
import {
  type Contract,
  type ContractKpi,
  ContractSchema,
  CURRENCIES,
  type Currency,
  hasCpnDuty,
  JURISDICTIONS,
  type Jurisdiction,
  MATERIAL_KPIS,
  MAX_CONTRACT_YEARS,
  MIN_KPIS_WITH_DUTY,
} from './contract.js';
import {
  AMOUNT_MAX,
  cadenceField,
  RegistrationFields,
  SUPPLIER_MAX,
  TARGET_MAX,
  TITLE_MAX,
  targetField,
  VALUE_MAX,
} from './registration-form.js';
import type { RegistrationPrefill } from './registration-prefill.js';

export interface RegistrationContext {
  /** The new contract's id (the service picks one that is free). */
  id: string;
  tenant: string;
  platform: Contract['platform'];
  /** Where reminders go. */
  channel: string;
  prefill: RegistrationPrefill;
  by: UserRef;
  /** People the platform named (a picked owner or SRO), so their names are kept. */
  people?: UserRef[];
  now: Date;
}

export type RegistrationResult = { ok: true; contract: Contract } | { ok: false; errors: FieldErrors };

const byKpiNumber = (a: string, b: string) => Number(a.slice(1)) - Number(b.slice(1));

/** A minus sign before the amount, after an optional currency: '-5000', '£-5m', 'GBP −5m'. */
const NEGATIVE = /^(?:[£€$]|(?:us|ca|c)\$|[a-z]{3})?\s*[-−]/i;

interface Money {
  amount: number;
  currency: Currency;
}

function readMoney(values: FormValues, errors: FieldErrors): Money | undefined {
  const F = RegistrationFields;
  const raw = textValue(values, F.value);
  const chosen = textValue(values, F.currency);
  let currency: Currency | undefined;
  if (chosen) {
    if ((CURRENCIES as readonly string[]).includes(chosen)) currency = chosen as Currency;
    else errors[F.currency] = `Choose one of ${CURRENCIES.join(', ')}.`;
  }
  if (!raw) {
    errors[F.value] = 'Enter the total value, e.g. 6,200,000 or £6.2m.';
    return undefined;
  }
  if (raw.length > VALUE_MAX) {
    errors[F.value] = `Write the value in under ${VALUE_MAX} characters, e.g. 6,200,000 or £6.2m.`;
    return undefined;
  }
  if (NEGATIVE.test(raw)) {
    errors[F.value] = 'The value cannot be negative.';
    return undefined;
  }
  const money = parseMoney(raw);
  if (!money) {
    errors[F.value] = 'That is not an amount: write it like 6,200,000 or £6.2m.';
    return undefined;
  }
  if (money.amount > AMOUNT_MAX) {
    errors[F.value] = 'That is more than a trillion: check the amount.';
    return undefined;
  }
  if (money.currency && currency && money.currency !== currency) {
    errors[F.currency] =
      `The value is written in ${money.currency} but the currency chosen is ${currency}: make them agree.`;
    return undefined;
  }
  currency ??= money.currency ?? undefined;
  if (!currency) {
    errors[F.currency] ??= 'Choose the currency.';
    return undefined;
  }
  return { amount: money.amount, currency };
}

function readDates(
  values: FormValues,
  errors: FieldErrors,
  today: LocalDate,
): { start: LocalDate; end: LocalDate } | undefined {
  const F = RegistrationFields;
  const start = textValue(values, F.start);
  const end = textValue(values, F.end);
  const check = (id: string, date: string, what: string) => {
    if (!date) errors[id] = `Choose the ${what} date.`;
    else if (!isLocalDate(date)) errors[id] = `Write the ${what} date as YYYY-MM-DD, e.g. 2026-04-01.`;
  };
  check(F.start, start, 'start');
  check(F.end, end, 'end');
  if (errors[F.start] || errors[F.end]) return undefined;
  if (end <= start) errors[F.end] = `The end must be after the start (${formatLocalDate(start)}).`;
  else if (end > addMonths(start, MAX_CONTRACT_YEARS * 12)) {
    errors[F.end] = `Contracts longer than ${MAX_CONTRACT_YEARS} years are not supported: check the end date.`;
  } else if (end < today) {
    errors[F.end] = `This contract ended on ${formatLocalDate(end)}: only running contracts get reminders.`;
  }
  return errors[F.end] ? undefined : { start, end };
}

/** Checks every field and builds the contract; on any mistake, a message for each field that is wrong. */
export function parseRegistration(values: FormValues, ctx: RegistrationContext): RegistrationResult {
  const F = RegistrationFields;
  const errors: FieldErrors = {};
  const { prefill } = ctx;

  const title = textValue(values, F.title).replace(/\s+/g, ' ');
  if (!title) errors[F.title] = 'Give the contract a title.';
  else {
    const long = tooLong(title, TITLE_MAX, 'the title');
    if (long) errors[F.title] = long;
  }
  const supplier = textValue(values, F.supplier).replace(/\s+/g, ' ');
  if (!supplier) errors[F.supplier] = 'Name the supplier.';
  else {
    const long = tooLong(supplier, SUPPLIER_MAX, 'the supplier’s name');
    if (long) errors[F.supplier] = long;
  }

  const money = readMoney(values, errors);

  const timeZone = textValue(values, F.timeZone);
  if (!timeZone) errors[F.timeZone] = 'Choose the time zone reminders follow.';
  else if (!isValidTimeZone(timeZone)) {
    errors[F.timeZone] = `“${timeZone}” is not a time zone: choose one from the list, such as Europe/London.`;
  }
  const today = localDateOf(ctx.now, errors[F.timeZone] ? prefill.timeZone : timeZone);
  const dates = readDates(values, errors, today);

  const known = [...(ctx.people ?? []), prefill.owner, prefill.sro, ctx.by];
  const person = (id: string, what: string) => {
    const raw = textValue(values, id);
    const ref = resolveUser(raw, known);
    if (!ref) errors[id] = `Choose the ${what}.`;
    else if (raw.length > USER_MAX) errors[id] = `Keep the name under ${USER_MAX} characters.`;
    return ref;
  };
  const owner = person(F.owner, 'contract owner');
  const sro = person(F.sro, 'senior responsible owner (SRO)');

  const jurisdictionValue = textValue(values, F.jurisdiction);
  const jurisdiction = (JURISDICTIONS as readonly string[]).includes(jurisdictionValue)
    ? (jurisdictionValue as Jurisdiction)
    : undefined;
  if (!jurisdiction) errors[F.jurisdiction] = 'Choose the jurisdiction.';

  const library = new Map(prefill.library.map((k) => [k.id, k]));
  const selected = listValue(values, F.kpis);
  const unknown = selected.filter((id) => !library.has(id));
  const kpiIds = selected.filter((id) => library.has(id)).sort(byKpiNumber);
  const material = listValue(values, F.material);
  const duty = money && jurisdiction ? hasCpnDuty({ jurisdiction, value: money }, prefill.kpiThreshold) : false;
  const over = prefill.kpiThreshold ? formatThreshold(prefill.kpiThreshold) : '';

  if (unknown.length) errors[F.kpis] = `Unknown KPI: ${unknown.join(', ')}. Choose from the list.`;
  else if (kpiIds.length === 0) errors[F.kpis] = 'Choose at least one KPI to track.';
  else if (duty && kpiIds.length < MIN_KPIS_WITH_DUTY) {
    errors[F.kpis] =
      `The Procurement Act 2023 (s.52) requires at least ${MIN_KPIS_WITH_DUTY} KPIs for a UK contract over ${over}; ${kpiIds.length} chosen.`;
  }
  const outside = material.filter((id) => !kpiIds.includes(id));
  if (material.length > MATERIAL_KPIS) errors[F.material] = `Choose at most ${MATERIAL_KPIS}: the three most material.`;
  else if (errors[F.kpis]) {
    // Which KPIs are material can only be judged once the KPIs themselves are right.
  } else if (outside.length) {
    errors[F.material] =
      `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not among the KPIs to track: add ${outside.length === 1 ? 'it' : 'them'} there or remove ${outside.length === 1 ? 'it' : 'them'} here.`;
  } else if (duty && material.length !== MATERIAL_KPIS) {
    errors[F.material] =
      `The Procurement Act 2023 requires the ${MATERIAL_KPIS} most material KPIs to be named in the Contract Details Notice for a UK contract over ${over}: choose exactly ${MATERIAL_KPIS} (${material.length} chosen).`;
  }

  const targets = new Map<string, string>();
  const cadences = new Map<string, ContractKpi['cadence']>();
  const offered = new Map(prefill.cadences.map((c) => [c.id, c]));
  for (const id of kpiIds) {
    const field = targetField(id);
    const typed = textValue(values, field);
    const long = tooLong(typed, TARGET_MAX, 'the target');
    if (long) errors[field] = long;
    targets.set(id, typed || prefill.targets[id] || (library.get(id)?.target ?? ''));
    // No cadence field (a KPI added from the library, or a form drawn before there was one): the library's.
    const chosen = textValue(values, cadenceField(id));
    const cadence = chosen ? offered.get(chosen)?.cadence : library.get(id)?.cadence;
    if (cadence) cadences.set(id, cadence);
    else if (chosen) errors[cadenceField(id)] = `“${chosen}” is not a review cadence: choose one from the list.`;
  }

  if (Object.keys(errors).length || !money || !dates || !owner || !sro || !jurisdiction) {
    return { ok: false, errors };
  }

  const now = ctx.now.toISOString();
  const value = { amount: money.amount, currency: money.currency };
  const candidate: Contract = {
    v: 1,
    id: ctx.id,
    tenant: ctx.tenant,
    platform: ctx.platform,
    title,
    supplier,
    value,
    start: dates.start,
    end: dates.end,
    owner,
    sro,
    jurisdiction,
    timeZone,
    channel: ctx.channel,
    ...(prefill.triage ? { triage: prefill.triage } : {}),
    kpis: kpiIds.map((id) => {
      const kpi = library.get(id);
      return {
        id,
        title: kpi?.title ?? id,
        measure: kpi?.measure ?? '',
        target: targets.get(id) ?? '',
        cadence: cadences.get(id) ?? { months: 12 },
        material: material.includes(id),
      };
    }),
    cpnDuty: duty,
    trackedFrom: today,
    results: [],
    breaches: [],
    snoozes: {},
    snoozeLog: [],
    createdBy: ctx.by,
    createdAt: now,
    updatedAt: now,
  };
  // The checks above mirror the schema; this catches anything they missed, beside the field it concerns.
  const checked = ContractSchema.safeParse(candidate);
  if (!checked.success) {
    const fieldErrors: FieldErrors = {};
    for (const issue of checked.error.issues) {
      const [first, index, part] = issue.path;
      const kpiField = part === 'cadence' ? cadenceField : targetField;
      const field =
        first === 'kpis' && typeof index === 'number'
          ? kpiField(kpiIds[index] ?? '')
          : typeof first === 'string' && first in F
            ? first
            : F.title;
      fieldErrors[field] ??= issue.message;
    }
    return { ok: false, errors: fieldErrors };
  }
  return { ok: true, contract: checked.data };
}
