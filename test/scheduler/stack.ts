/**
 * The reminder stack as src/service.ts composes it (store → repositories → ContractService → digest builder →
 * posters → scheduler), built over one store handle so a test can open several handles on one store (two
 * processes' worth) and drive the scheduler with its own clock. No HTTP server: only what the scheduler uses.
 */
import { readFile } from 'node:fs/promises';
import { WebClient } from '@slack/web-api';
import type { SlackTokens } from '../../src/channels/slack/authorize.js';
import { SlackPoster } from '../../src/channels/slack/poster.js';
import { AccessService } from '../../src/core/access/access.js';
import type { Contract } from '../../src/core/contracts/contract.js';
import { ContractService } from '../../src/core/contracts/service.js';
import { History } from '../../src/core/history/recorder.js';
import type { Clock } from '../../src/core/ports.js';
import { loadPack } from '../../src/core/triage/pack-loader.js';
import type { View } from '../../src/core/view.js';
import type { Logger } from '../../src/log.js';
import { digestBuilder } from '../../src/scheduler/build.js';
import type { EmbeddedDeps } from '../../src/scheduler/embedded.js';
import type { ChannelPoster, DigestOccurrence, DigestTarget } from '../../src/scheduler/types.js';
import { DEFAULT_PACK, KPI_COMMANDS } from '../../src/service.js';
import { KeyvContractRepository } from '../../src/store/contract-repository.js';
import {
  KeyvConversationReferenceRepository,
  type StoredConversationReference,
} from '../../src/store/conversation-reference-repository.js';
import { KeyvDialogueRepository } from '../../src/store/dialogue-repository.js';
import { KeyvDigestRepository } from '../../src/store/digest-repository.js';
import { KeyvHistoryRepository } from '../../src/store/history-repository.js';
import { StoreLocker } from '../../src/store/locks.js';
import { openStore, type StoreHandle } from '../../src/store/open-store.js';
import { Pacer } from '../../src/store/pacer.js';
import { KeyvPackRepository } from '../../src/store/pack-repository.js';
import { Records } from '../../src/store/records.js';
import { KeyvRolesRepository } from '../../src/store/roles-repository.js';
import { KeyvSettingsRepository } from '../../src/store/settings-repository.js';
import { quietLogger } from '../helpers/backends.js';
import type { ConnectorCall } from '../support/fake-connector.js';
import type { FakeSlack, FakeSlackCall } from '../support/fake-slack.js';
import { BOT } from '../support/teams-activities.js';

export interface Stack {
  store: StoreHandle;
  records: Records;
  settings: KeyvSettingsRepository;
  digests: KeyvDigestRepository;
  contractRepository: KeyvContractRepository;
  contracts: ContractService;
  /** The scheduler's short-lease lock, as service.ts makes it. */
  deliveryLocker: StoreLocker;
  /** The digest for an occurrence, exactly as service.ts builds it. */
  build(occurrence: DigestOccurrence): Promise<View | undefined>;
  close(): Promise<void>;
}

export interface StackOptions {
  clock: Clock;
  namespace: string;
  logger?: Logger;
  /**
   * Whether locks also claim in the store. service.ts turns this on for Redis and PostgreSQL only; a test of two
   * handles on one SQLite file turns it on to have the store's claims decide, as with the shared backends.
   */
  crossProcess?: boolean;
}

export async function openStack(url: string, options: StackOptions): Promise<Stack> {
  const logger = options.logger ?? quietLogger;
  const store = await openStore(url, { logger, namespace: options.namespace });
  const records = new Records(store);
  const crossProcess = options.crossProcess ?? store.kind !== 'sqlite';
  const locker = new StoreLocker(records, { crossProcess });
  const settings = new KeyvSettingsRepository(records);
  const digests = new KeyvDigestRepository(records);
  const contractRepository = new KeyvContractRepository(records, (contract) =>
    digests.addTarget({ tenant: contract.tenant, platform: contract.platform, channel: contract.channel }),
  );
  const pack = await loadPack(DEFAULT_PACK);
  const history = new History(new KeyvHistoryRepository(records, locker), options.clock);
  const contracts = new ContractService({
    contracts: contractRepository,
    history,
    dialogues: new KeyvDialogueRepository(records),
    settings,
    packs: new KeyvPackRepository(records, { pack, text: await readFile(DEFAULT_PACK, 'utf8'), source: DEFAULT_PACK }),
    locker,
    clock: options.clock,
    access: new AccessService({ roles: new KeyvRolesRepository(records, locker), admins: [], history }),
  });
  return {
    store,
    records,
    settings,
    digests,
    contractRepository,
    contracts,
    deliveryLocker: new StoreLocker(records, { crossProcess, ttlMs: 15_000, waitMs: 30_000 }),
    build: digestBuilder(settings, contracts, KPI_COMMANDS),
    close: () => store.close(),
  };
}

/**
 * The real Slack poster on the fake Web API, with the Web API client options of src/channels/slack/app.ts.
 * `paceMs` is the per-channel interval (1 s in production).
 */
export function slackPosterFor(stack: Stack, fake: FakeSlack, paceMs = 1000): SlackPoster {
  const client = new WebClient('xoxb-test', {
    slackApiUrl: fake.url,
    retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 5000 },
  });
  // One workspace's token, as SLACK_BOT_TOKEN gives (these tests do not check which workspace a digest is for).
  const tokens: SlackTokens = { authorize: async () => ({ botToken: 'xoxb-test' }), clientFor: async () => client };
  return new SlackPoster(tokens, new Pacer(stack.records, paceMs));
}

/**
 * The real Teams poster on the fake Bot Connector: botbuilder's TeamsAdapter in local mode (no credentials, loopback
 * service URLs only), as src/channels/teams/app.ts makes it, posting through the conversation references kept in the
 * stack's store. Loaded on demand: botbuilder is heavy and the Slack tests do not need it.
 */
export async function teamsPosterFor(stack: Stack, paceMs = 1000): Promise<ChannelPoster> {
  const [{ TeamsAdapter }, { TeamsPoster }, { serviceUrlGuard }] = await Promise.all([
    import('@microsoft/teams-ai'),
    import('../../src/channels/teams/poster.js'),
    import('../../src/channels/teams/middleware.js'),
  ]);
  const adapter = new TeamsAdapter({});
  const serviceUrls = { local: true, hosts: [] };
  adapter.use(serviceUrlGuard(serviceUrls));
  return new TeamsPoster({
    adapter,
    botAppId: '',
    references: new KeyvConversationReferenceRepository(stack.records),
    pacer: new Pacer(stack.records, paceMs),
    serviceUrls,
  });
}

/** A Teams channel's conversation reference as the bot keeps it on hearing from the channel (middleware.ts). */
export function teamsChannelReference(input: {
  serviceUrl: string;
  /** The Entra tenant id (the bot's tenant is `teams_<id>`). */
  tenantId: string;
  channel: string;
  timezone: string;
  locale: string;
}): StoredConversationReference {
  return {
    serviceUrl: input.serviceUrl,
    channelId: 'msteams',
    conversation: { id: input.channel, tenantId: input.tenantId, conversationType: 'channel', isGroup: true },
    bot: { ...BOT },
    locale: input.locale,
    timezone: input.timezone,
    updatedAt: new Date().toISOString(),
  };
}

/** Saves a conversation reference in the stack's store, under the bot's tenant `teams_<tenantId>`. */
export async function saveTeamsReference(
  stack: Pick<Stack, 'records'>,
  reference: StoredConversationReference,
): Promise<void> {
  await new KeyvConversationReferenceRepository(stack.records).save(
    `teams_${reference.conversation.tenantId}`,
    reference,
  );
}

export function schedulerDeps(
  stack: Stack,
  posters: Partial<Record<DigestTarget['platform'], ChannelPoster>>,
  clock: Clock,
): EmbeddedDeps {
  return {
    digests: stack.digests,
    settings: stack.settings,
    locker: stack.deliveryLocker,
    posters,
    clock,
    logger: quietLogger,
    build: stack.build,
    admins: async () => [],
  };
}

/** The occurrence key a Slack digest carries in its message metadata. */
export function metadataKey(call: FakeSlackCall): string | undefined {
  const metadata = call.args.metadata as { event_type?: string; event_payload?: { key?: unknown } } | undefined;
  const key = metadata?.event_payload?.key;
  return metadata?.event_type === 'aiprocure_digest' && typeof key === 'string' ? key : undefined;
}

/** Successful digest posts seen by the fake Slack. */
export function digestPosts(fake: FakeSlack): FakeSlackCall[] {
  return fake
    .callsOf('chat.postMessage')
    .filter((call) => call.status === 200 && call.response.ok === true && metadataKey(call) !== undefined);
}

/** The `<@U…>` mentions in a posted message. */
export function mentionsIn(call: FakeSlackCall): Set<string> {
  return new Set([...JSON.stringify(call.args.blocks ?? []).matchAll(/<@([UW][A-Z0-9]+)>/g)].map((m) => m[1]!));
}

/** `contractId|obligationKey` of every item in a posted digest, read from its "Record result" buttons. */
export function itemsIn(call: FakeSlackCall): Set<string> {
  const items = new Set<string>();
  const blocks = (call.args.blocks as Array<{ type?: string; elements?: Array<Record<string, unknown>> }>) ?? [];
  for (const block of blocks) {
    if (block.type !== 'actions') continue;
    for (const element of block.elements ?? []) {
      if (!String(element.action_id).startsWith('reminder_record')) continue;
      const value = JSON.parse(String(element.value)) as { c: string; k: string };
      items.add(`${value.c}|${value.k}`);
    }
  }
  return items;
}

/** Saves contracts as registration does (the first one in a channel makes the channel a digest target). */
export async function saveAll(stack: Pick<Stack, 'contractRepository'>, contracts: Contract[]): Promise<void> {
  for (const contract of contracts) await stack.contractRepository.save(contract);
}

/** The channel a Teams `createConversation` (a new channel post) went to. */
export function teamsChannelOf(call: ConnectorCall): string | undefined {
  const body = call.body as { channelData?: { channel?: { id?: unknown } } } | undefined;
  const id = body?.channelData?.channel?.id;
  return typeof id === 'string' ? id : undefined;
}

/** New channel posts the fake Bot Connector accepted (a Teams digest is one), in order. */
export function teamsChannelPosts(calls: ConnectorCall[]): ConnectorCall[] {
  return calls.filter((call) => call.method === 'create' && call.status === 201 && teamsChannelOf(call) !== undefined);
}
