import type { ServerResponse } from 'node:http';

/**
 * The pages a person sees at the end of installing the app. Plain HTML of our own, with no link to slack.com, so
 * they are right on GovSlack too; nothing from the request is echoed but the workspace name and an error code, escaped.
 */
function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'",
    'x-content-type-options': 'nosniff',
  });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
      `<body><h1>${title}</h1>${body}</body></html>`,
  );
}

export function installedPage(res: ServerResponse, workspace?: string): void {
  const where = workspace ? ` in ${escapeHtml(workspace)}` : '';
  page(
    res,
    200,
    'AI Procurement Assistant is installed',
    `<p>The app is installed${where}. In Slack, invite it to a channel with <code>/invite @aiprocure</code>, then type <code>/aiprocure help</code>.</p>` +
      '<p>You installed it, so you are an admin of the bot there: <code>/aiprocure roles</code> shows who can do what.</p>',
  );
}

export function installFailedPage(res: ServerResponse, code?: string): void {
  page(
    res,
    code === 'slack_oauth_invalid_state' || code === 'slack_oauth_missing_state' ? 400 : 500,
    'The installation did not complete',
    `<p>Slack did not finish installing the app${code ? ` (${escapeHtml(code)})` : ''}. Start again from the install link.</p>`,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
