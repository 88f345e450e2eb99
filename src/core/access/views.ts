import { noticeView } from '../triage/views.js';
import type { Paragraph, UserRef, View } from '../view.js';
import type { GrantableRole, TenantRoles } from './roles.js';

/** The roles command: who holds which role here, and how guests are treated. */
export function rolesView(roles: TenantRoles): View {
  const people = (list: UserRef[]): Paragraph =>
    list.length === 0 ? [{ em: 'nobody named yet' }] : list.flatMap((p, i) => [...(i ? [', '] : []), { user: p }]);
  const admins = [...(roles.installer ? [roles.installer] : []), ...roles.admins];
  return {
    fallback: 'Roles in this workspace',
    heading: 'Roles',
    blocks: [
      {
        type: 'facts',
        items: [
          { label: 'Admins', value: people(admins) },
          { label: 'Procurement', value: people(roles.procurement) },
          {
            label: 'Guests',
            value: [roles.guests === 'barred' ? 'barred from the bot' : 'members (start and answer triages, read)'],
          },
        ],
      },
      {
        type: 'context',
        content: [
          'Admins change settings and roles; procurement registers contracts, records results, snoozes, logs breaches and exports; everyone else is a member: starts and answers triages, and reads. Workspace owners and admins, and anyone named in ADMINS, are admins too. A contract’s owner and SRO may record its results. Change with ',
          { code: 'roles add @person procurement' },
          ', ',
          { code: 'roles remove @person admin' },
          ' or ',
          { code: 'roles guests bar' },
          ' (admins only).',
        ],
      },
    ],
  };
}

export function rolesChangedView(change: 'add' | 'remove', who: UserRef, role: GrantableRole, by: UserRef): View {
  return change === 'add'
    ? noticeView('', { user: who }, ` now has the ${role} role (given by `, { user: by }, ').')
    : noticeView('', { user: who }, ` no longer has the ${role} role (removed by `, { user: by }, ').');
}

export function guestsView(barred: boolean, by: UserRef): View {
  return barred
    ? noticeView('Guests are now barred from using the bot here (set by ', { user: by }, ').')
    : noticeView('Guests may now start and answer triages and read, as members (set by ', { user: by }, ').');
}
