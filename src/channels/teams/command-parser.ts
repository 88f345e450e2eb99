/** Parses a message to the bot (mention already removed by teams-ai) into a command. Pure and unit-tested. */
export type TeamsCommand =
  | { kind: 'help' }
  | { kind: 'triage'; title: string }
  | { kind: 'config-channel' }
  | { kind: 'usage'; problem: string };

export function parseTeamsCommand(raw: string): TeamsCommand {
  // teams-ai strips the first mention of the bot; a second one, or HTML from a rich-text client, may remain.
  const text = raw
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .trim();
  const [head = '', ...rest] = text.split(/\s+/);
  const verb = head.toLowerCase();
  if (verb === '' || verb === 'help') return { kind: 'help' };
  if (verb === 'triage') return { kind: 'triage', title: text.slice(head.length).trim() };
  if (verb === 'config') {
    if ((rest[0] ?? '').toLowerCase() === 'channel') return { kind: 'config-channel' };
    return { kind: 'usage', problem: 'Usage: config channel (in the channel that should receive summaries).' };
  }
  return { kind: 'usage', problem: `Unknown command “${head.slice(0, 40)}”.` };
}
