import type { Inline, Paragraph } from '../../../core/view.js';

/**
 * Slack mrkdwn from the neutral model. Text is data: `& < >` become entities, so `<!channel>`, `<@U…>` and
 * `<http://…|links>` typed by a user arrive as literal text; a zero-width space beside `* _ ~ \`` keeps them from
 * pairing into formatting, and one after `@` keeps a typed "@channel" from ever being read as a broadcast.
 */
const ZWSP = '\u200b';

export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, (mark) => `${ZWSP}${mark}${ZWSP}`)
    .replace(/@(?=(channel|here|everyone)\b)/gi, `@${ZWSP}`);
}

/** Plain-text fields (headers, button labels) do not parse mrkdwn, but still must not carry a broadcast. */
export function plainText(text: string, max: number): string {
  const clean = text
    .replace(/@(?=(channel|here|everyone)\b)/gi, `@${ZWSP}`)
    .replace(/<(?=[!@#])/g, `<${ZWSP}`)
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(clean || '-', max);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

function inline(part: Inline): string {
  if (typeof part === 'string') return escapeMrkdwn(part);
  if ('strong' in part) return wrap('*', part.strong);
  if ('em' in part) return wrap('_', part.em);
  if ('code' in part)
    return `\`${part.code.replace(/`/g, "'").replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}\``;
  if ('user' in part || 'mention' in part) {
    const user = 'user' in part ? part.user : part.mention;
    return SLACK_USER_ID.test(user.id) ? `<@${user.id}>` : escapeMrkdwn(user.name ?? user.id);
  }
  if ('channel' in part) {
    return SLACK_CHANNEL_ID.test(part.channel.id)
      ? `<#${part.channel.id}>`
      : escapeMrkdwn(part.channel.name ?? part.channel.id);
  }
  if ('link' in part) {
    const url = part.link.url.replace(/[|<> ]/g, encodeURIComponent);
    return `<${url}|${escapeMrkdwn(part.link.label).replace(/\|/g, '¦')}>`;
  }
  const seconds = Math.floor(part.date.at / 1000);
  const token = part.date.style === 'date' ? '{date_short_pretty}' : '{date_short_pretty} at {time}';
  return `<!date^${seconds}^${token}|${new Date(part.date.at)
    .toISOString()
    .slice(0, part.date.style === 'date' ? 10 : 16)
    .replace('T', ' ')} UTC>`;
}

/** Bold/italic around escaped text; the markers sit outside the zero-width spaces so they still pair. */
function wrap(marker: string, text: string): string {
  const escaped = escapeMrkdwn(text.trim());
  return escaped ? `${marker}${escaped}${marker}` : '';
}

export function paragraph(content: Paragraph): string {
  return content.map(inline).join('');
}
