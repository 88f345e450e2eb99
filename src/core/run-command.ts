import type { AccessService } from './access/access.js';
import type { Actor } from './access/roles.js';
import type { Command } from './commands.js';
import type { ContractService } from './contracts/service.js';
import type { TenantExporter } from './export/tenant-export.js';
import type { HomeService } from './home/service.js';
import type { CommonsService } from './lessons/commons-service.js';
import type { LessonService } from './lessons/service.js';
import type { LifecycleService } from './lifecycle/service.js';
import type { ConversationSurface } from './ports.js';
import type { ScanService } from './procurement/scan-service.js';
import type { ProcurementService } from './procurement/service.js';
import type { SettingsService } from './settings.js';
import type { TransparencyService } from './transparency/service.js';
import type { TriageService } from './triage/service.js';
import { type FormView, textView, type UserRef, type View } from './view.js';

/** A command with the platform's parts resolved: the channel meant, the person named. */
export type RunnableCommand =
  | Exclude<Command, { kind: 'config-channel' | 'roles-change' | 'help' | 'usage' }>
  | { kind: 'config-channel'; channel: string }
  | { kind: 'roles-change'; change: 'add' | 'remove'; who: UserRef; role: 'admin' | 'procurement' };

export interface CommandServices {
  triage: TriageService;
  exporter: TenantExporter;
  lifecycle: LifecycleService;
  contracts: ContractService;
  settings: SettingsService;
  access: AccessService;
  procurement: ProcurementService;
  scans: ScanService;
  home: HomeService;
  transparency: TransparencyService;
  lessons: LessonService;
  commons: CommonsService;
  ocdsPrefix: string;
}

export interface CommandCall {
  tenant: string;
  by: Actor;
  platform: 'slack' | 'teams';
  /** Where the command was typed: a Slack channel id, a Teams conversation id. */
  channel: string;
  surface: ConversationSurface;
  /** The person's own time zone, when the platform says (the first procurement channel sets the tenant's). */
  timeZone?: string;
}

/** What the person who typed the command sees: a private answer, a file where they typed, or nothing more. */
export type CommandReply =
  | { kind: 'view'; view: View }
  /** A form to open (a Slack modal; a Teams card in the conversation). */
  | { kind: 'form'; form: FormView }
  | { kind: 'file'; file: { filename: string; title: string; content: string } }
  | { kind: 'none' };

/** One mapping from a command to the services, shared by Slack and Teams; roles are checked by the services. */
export async function runCommand(
  services: CommandServices,
  command: RunnableCommand,
  call: CommandCall,
): Promise<CommandReply> {
  const { tenant, by } = call;
  const view = (v: View): CommandReply => ({ kind: 'view', view: v });
  switch (command.kind) {
    case 'triage':
      await services.triage.start({
        tenant,
        by,
        surface: call.surface,
        platform: call.platform,
        channel: call.channel,
        title: command.title,
      });
      return { kind: 'none' };
    case 'config-channel':
      return view(
        await services.settings.setProcurementChannel({
          tenant,
          by,
          channel: command.channel,
          timeZone: call.timeZone,
          surface: call.surface,
          platform: call.platform,
        }),
      );
    case 'config-timezone':
      return view(await services.settings.setTimeZone(tenant, by, command.timeZone));
    case 'config-hour':
      return view(await services.settings.setDigestHour(tenant, by, command.hour));
    case 'config-retention':
      return view(await services.settings.setRetention(tenant, by, command.years));
    case 'delete':
      return view(await services.lifecycle.askDelete(tenant, by, command.record, command.id));
    case 'contracts':
      return view(await services.contracts.list(tenant, by));
    case 'kpi':
      return view(await services.contracts.due(tenant, by));
    case 'export':
      return {
        kind: 'file',
        file: await services.contracts.exportOcds(tenant, by, command.contractId, { ocidPrefix: services.ocdsPrefix }),
      };
    case 'roles':
      return view(await services.access.list(tenant, by));
    case 'roles-change':
      return view(
        command.change === 'add'
          ? await services.access.grant(tenant, by, command.who, command.role)
          : await services.access.revoke(tenant, by, command.who, command.role),
      );
    case 'roles-guests':
      return view(await services.access.setGuests(tenant, by, command.barred));
    case 'status':
      return view(await services.settings.status(tenant, by, call.platform));
    case 'checklist':
      return view(await services.procurement.open(tenant, by, command.id));
    case 'scan':
      await services.scans.open({ tenant, by, id: command.id, surface: call.surface });
      return view(textView(`The consequence scan is open in the thread of ${command.id}’s triage.`));
    case 'home':
      return view(await services.home.view(tenant, by));
    case 'publish':
      return { kind: 'file', file: await services.transparency.file(tenant, by, command.draft, command.id) };
    case 'lesson':
      return { kind: 'form', form: await services.lessons.formFor(tenant, by, command.link) };
    case 'lessons':
      return view(await services.lessons.search(tenant, by, command.query));
    case 'published':
      return view(await services.procurement.recordPublished(tenant, by, command.draft, command.id, command.review));
    case 'share':
      return { kind: 'form', form: await services.commons.shareFormFor(tenant, by, command.id) };
    case 'unshare':
      return view(await services.commons.unshare(tenant, by, command.id));
    case 'config-commons':
      return view(await services.commons.status(tenant, by));
    case 'config-commons-subscribe':
      return view(
        command.change === 'subscribe'
          ? await services.commons.subscribe(tenant, by, command.url)
          : await services.commons.unsubscribe(tenant, by, command.url),
      );
    case 'export-all':
      return { kind: 'file', file: await services.exporter.forAdmin(tenant, by) };
  }
}
