import { COMMAND_TEXT_MAX, type Command, parseCommand } from '../../core/commands.js';

/** Stands for the k-th person mentioned (other than the bot): a private-use character a client does not send. */
export const MENTION_MARK = '\uE000';
/** Rich-text messages carry markup around the command; a few times the command's own limit is plenty. */
export const MESSAGE_TEXT_MAX = 4 * COMMAND_TEXT_MAX;

/**
 * A message to the bot (its first mention already removed by teams-ai): the shared commands. Other `<at>` mentions
 * of the bot, and HTML from a rich-text client, are dropped; a mention of one of `people` (their `<at>…</at>` texts,
 * from the activity's mention entities) becomes `MENTION_MARK` and its index, for `roles add @person …`.
 * The text is capped before any pattern reads it, and every pattern is linear.
 */
export function parseTeamsCommand(raw: string, people: readonly string[] = []): Command {
  if (raw.length > MESSAGE_TEXT_MAX) {
    return { kind: 'usage', problem: `That message is ${raw.length} characters long: too long for a command.` };
  }
  const text = raw
    .replace(/<at>[^<]*<\/at>/gi, (mention) => {
      const k = people.indexOf(mention);
      return k >= 0 ? ` ${MENTION_MARK}${k} ` : ' ';
    })
    .replace(/<[^<>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ');
  return parseCommand(text);
}

/** The index into `people` of a `who` that is one mention. */
export function mentionIndex(who: string): number | undefined {
  const trimmed = who.trim();
  if (!trimmed.startsWith(MENTION_MARK)) return undefined;
  const k = Number(trimmed.slice(MENTION_MARK.length));
  return Number.isInteger(k) && k >= 0 ? k : undefined;
}
