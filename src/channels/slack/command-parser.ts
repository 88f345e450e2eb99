import { type Command, parseCommand } from '../../core/commands.js';
import type { RunnableCommand } from '../../core/run-command.js';

/** `/aiprocure …` text: the shared commands, with Slack's channel and user links resolved to ids. */
export type SlackCommand = RunnableCommand | Extract<Command, { kind: 'help' | 'usage' }>;

const CHANNEL = /^<#([CG][A-Z0-9]{2,20})(?:\|[^>]{0,100})?>$|^([CG][A-Z0-9]{6,20})$/;
/** With `should_escape`, Slack sends a link as `<https://…>` or `<https://…|label>`, its `&` as `&amp;`. */
const LINK = /^<(https?:\/\/[^|>]{1,600})(?:\|[^>]{0,200})?>$/;
/** With `should_escape`, Slack sends a mention as `<@U123>` or `<@U123|name>`. */
const USER = /^<@([UW][A-Z0-9]{2,20})(?:\|([^>]{0,100}))?>$/;

export function parseSlackCommand(text: string): SlackCommand {
  const command = parseCommand(text);
  if (command.kind === 'roles-change') {
    const match = USER.exec(command.who.trim());
    if (!match) {
      return {
        kind: 'usage',
        problem:
          'I could not recognise that person. Type @ and pick them from the list so Slack turns it into a mention.',
      };
    }
    const [, id, name] = match;
    return { ...command, who: { id: id!, ...(name ? { name } : {}) } };
  }
  if (command.kind === 'config-commons-subscribe') {
    const link = LINK.exec(command.url.trim())?.[1];
    if (!link) return command;
    return { ...command, url: link.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') };
  }
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
