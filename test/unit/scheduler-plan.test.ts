/**
 * The digest planner (`dueOccurrences`) and builder (`digestBuilder`) on an in-memory SQLite store: one tenant's
 * bad settings must not stop the others' digests, and the zone the planner used travels with the occurrence.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContractService } from '../../src/core/contracts/service.js';
import type { SettingsRepository } from '../../src/core/ports.js';
import { DEFAULT_TIME_ZONE } from '../../src/core/settings.js';
import type { Logger } from '../../src/log.js';
import { digestBuilder } from '../../src/scheduler/build.js';
import { dueOccurrences } from '../../src/scheduler/plan.js';
import { type DigestOccurrence, type DigestTarget, occurrenceKey } from '../../src/scheduler/types.js';
import { KPI_COMMANDS } from '../../src/service.js';
import { KeyvDigestRepository } from '../../src/store/digest-repository.js';
import { openStore, type StoreHandle } from '../../src/store/open-store.js';
import { Records } from '../../src/store/records.js';
import { KeyvSettingsRepository } from '../../src/store/settings-repository.js';
import { quietLogger } from '../helpers/backends.js';

/** Monday 4 May 2026, 14:00 in London, 09:00 in New York. */
const NOW = new Date('2026-05-04T13:00:00Z');
const BOGUS: DigestTarget = { tenant: 'slack_TBOGUS', platform: 'slack', channel: 'CBOGUS001' };
const NEW_YORK: DigestTarget = { tenant: 'slack_TNEWYORK', platform: 'slack', channel: 'CNEWYORK1' };

describe('planning digests', () => {
  let store: StoreHandle;
  let settings: KeyvSettingsRepository;
  let digests: KeyvDigestRepository;
  let logger: Logger;

  beforeEach(async () => {
    store = await openStore('sqlite://:memory:', { logger: quietLogger });
    const records = new Records(store);
    settings = new KeyvSettingsRepository(records);
    digests = new KeyvDigestRepository(records);
    logger = pino({ level: 'silent' });
    await settings.update(NEW_YORK.tenant, { timeZone: 'America/New_York', digestHour: 8 });
    await digests.addTarget(BOGUS);
    await digests.addTarget(NEW_YORK);
  });

  afterEach(async () => {
    await store.close();
  });

  it('plans the other tenants when one has a time zone Intl rejects, that one in the default zone', async () => {
    // Stored before zones were checked on the way in.
    await settings.update(BOGUS.tenant, { timeZone: 'Mars/Olympus_Mons' });
    const warn = vi.spyOn(logger, 'warn');

    const due = await dueOccurrences(NOW, { digests, settings, logger });

    expect(due).toEqual([
      { ...BOGUS, date: '2026-05-04', key: occurrenceKey(BOGUS, '2026-05-04'), timeZone: DEFAULT_TIME_ZONE },
      { ...NEW_YORK, date: '2026-05-04', key: occurrenceKey(NEW_YORK, '2026-05-04'), timeZone: 'America/New_York' },
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatchObject({ tenant: BOGUS.tenant, timeZone: 'Mars/Olympus_Mons' });
  });

  it('leaves a tenant whose settings cannot be read for the next round, and plans the rest', async () => {
    const flaky: SettingsRepository = {
      get: (tenant) => (tenant === BOGUS.tenant ? Promise.reject(new Error('store hiccup')) : settings.get(tenant)),
      update: (tenant, patch) => settings.update(tenant, patch),
    };
    const warn = vi.spyOn(logger, 'warn');

    const due = await dueOccurrences(NOW, { digests, settings: flaky, logger });

    expect(due.map((occurrence) => occurrence.key)).toEqual([occurrenceKey(NEW_YORK, '2026-05-04')]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatchObject({ tenant: BOGUS.tenant });
  });
});

describe('building a digest', () => {
  const occurrence = (timeZone?: string): DigestOccurrence => ({
    ...NEW_YORK,
    date: '2026-05-04',
    key: occurrenceKey(NEW_YORK, '2026-05-04'),
    ...(timeZone ? { timeZone } : {}),
  });

  function builder(storedZone?: string) {
    const get = vi.fn(async () => (storedZone ? { timeZone: storedZone } : {}));
    const digestFor = vi.fn(async () => undefined);
    const build = digestBuilder({ get }, { digestFor } as unknown as ContractService, KPI_COMMANDS);
    return { build, get, zoneUsed: () => (digestFor.mock.calls[0] as unknown as [{ timeZone: string }])[0].timeZone };
  }

  it('dates items in the zone the planner used, without reading settings again', async () => {
    const { build, get, zoneUsed } = builder('Asia/Tokyo');
    await build(occurrence('America/New_York'));
    expect(zoneUsed()).toBe('America/New_York');
    expect(get).not.toHaveBeenCalled();
  });

  it('reads the tenant’s zone for a job queued before occurrences carried one', async () => {
    const stored = builder('Asia/Tokyo');
    await stored.build(occurrence());
    expect(stored.zoneUsed()).toBe('Asia/Tokyo');

    const unset = builder();
    await unset.build(occurrence());
    expect(unset.zoneUsed()).toBe(DEFAULT_TIME_ZONE);
  });
});
