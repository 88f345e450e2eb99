import { type Command, parseCommand } from '../../core/commands.js';

/** `/aiprocure …` text: the shared commands, with Slack's channel link resolved to a channel id. */
export type SlackCommand = Exclude<Command, { kind: 'config-channel' }> | { kind: 'config-channel'; channel: string };

const CHANNEL = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$|^([CG][A-Z0-9]{6,})$/;

export function parseSlackCommand(text: string): SlackCommand {
  const command = parseCommand(text);
  if (command.kind !== 'config-channel') return command;
  const match = CHANNEL.exec(command.arg);
  const channel = match?.[1] ?? match?.[2];
  if (channel) return { kind: 'config-channel', channel };
  return {
    kind: 'usage',
    problem: command.arg
      ? 'I could not recognise that channel. Pick it from the # list so Slack turns it into a link.'
      : 'Which channel? Usage: config channel #channel',
  };
}
