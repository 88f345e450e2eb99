import type { Clock } from '../ports.js';
import type { UserRef } from '../view.js';
import type { HistoryActor, HistoryEvent } from './event.js';
import type { HistoryRepository } from './ports.js';

/** Who acted when no person did: the scheduler, or a platform telling the bot of an install or an uninstall. */
export type SystemActor = { system: 'scheduler' | 'slack' | 'teams' | 'retention' };

/** How records are named in the history. */
export const recordIds = {
  dialogue: (id: string) => `dialogue:${id}`,
  contract: (id: string) => `contract:${id}`,
  settings: 'settings',
  roles: 'roles',
} as const;

/**
 * The one way the services write history: every change to a dialogue, a contract, the settings or the roles is an
 * event here, appended before the change itself is saved, so no change is ever kept without its event.
 */
export class History {
  constructor(
    private readonly repository: HistoryRepository,
    private readonly clock: Clock,
  ) {}

  record(
    tenant: string,
    record: string,
    by: UserRef | SystemActor,
    kind: string,
    data: Record<string, unknown> = {},
    pack?: string,
  ): Promise<HistoryEvent> {
    return this.repository.append(tenant, {
      record,
      at: this.clock.now().toISOString(),
      by: actorOf(tenant, by),
      kind,
      data,
      ...(pack ? { pack } : {}),
    });
  }
}

function actorOf(tenant: string, by: UserRef | SystemActor): HistoryActor {
  if ('system' in by) return { platform: 'system', id: by.system };
  return {
    platform: tenant.startsWith('teams_') ? 'teams' : 'slack',
    id: by.id,
    ...(by.name ? { name: by.name.slice(0, 200) } : {}),
  };
}
