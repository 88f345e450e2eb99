import { type Command, parseCommand } from '../../core/commands.js';

/** A message to the bot (mention already removed by teams-ai): the shared commands; config channel means this one. */
export function parseTeamsCommand(raw: string): Command {
  // teams-ai strips the first mention of the bot; a second one, or HTML from a rich-text client, may remain.
  const text = raw
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ');
  return parseCommand(text);
}
