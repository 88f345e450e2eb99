/** Parses `/aiprocure …` text into a subcommand. Pure, so every branch is unit-tested. */
export type SlackCommand =
  | { kind: 'help' }
  | { kind: 'triage'; title: string }
  | { kind: 'config-channel'; channel: string }
  | { kind: 'usage'; problem: string };

const CHANNEL = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$|^([CG][A-Z0-9]{6,})$/;

export function parseSlackCommand(text: string): SlackCommand {
  const trimmed = text.trim();
  const [head = '', ...rest] = trimmed.split(/\s+/);
  const verb = head.toLowerCase();
  if (verb === '' || verb === 'help') return { kind: 'help' };
  if (verb === 'triage') return { kind: 'triage', title: trimmed.slice(head.length).trim() };
  if (verb === 'config') {
    const [setting = '', value = ''] = rest;
    if (setting.toLowerCase() !== 'channel') {
      return { kind: 'usage', problem: 'Usage: config channel #channel' };
    }
    const match = CHANNEL.exec(value);
    const channel = match?.[1] ?? match?.[2];
    if (!channel) {
      return {
        kind: 'usage',
        problem: value
          ? 'I could not recognise that channel. Pick it from the # list so Slack turns it into a link.'
          : 'Which channel? Usage: config channel #channel',
      };
    }
    return { kind: 'config-channel', channel };
  }
  return { kind: 'usage', problem: `Unknown command “${head.slice(0, 40)}”.` };
}
