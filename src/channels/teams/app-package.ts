import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { zipSync } from 'fflate';

/**
 * The Teams app package: `manifests/teams/manifest.json` with its `${{VARIABLE}}` placeholders filled from the
 * environment, the two icons, zipped flat as Teams expects. Validated offline against the manifest schema
 * bundled in @microsoft/app-manifest, and the icons against Teams' rules the schema does not check.
 */
export interface PackageInput {
  manifestDir: URL;
  env: NodeJS.ProcessEnv;
}

export interface BuiltPackage {
  manifest: Record<string, unknown>;
  zip: Uint8Array;
}

export class PackageError extends Error {
  constructor(readonly problems: string[]) {
    super(`The Teams app package is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stable app id derived from the bot's id, so rebuilding the package never creates a second app in Teams. */
export function derivedAppId(botId: string): string {
  const hex = createHash('sha256').update(`aiprocure-teams-app:${botId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function variables(env: NodeJS.ProcessEnv): { values: Record<string, string>; problems: string[] } {
  const problems: string[] = [];
  const botId = env.MICROSOFT_APP_ID?.trim() ?? '';
  if (!GUID.test(botId)) problems.push('MICROSOFT_APP_ID must be the bot’s Microsoft Entra app id (a GUID)');
  const appId = env.TEAMS_APP_ID?.trim() || (botId ? derivedAppId(botId) : '');
  if (env.TEAMS_APP_ID && !GUID.test(appId)) problems.push('TEAMS_APP_ID must be a GUID');
  const domain = env.BOT_DOMAIN?.trim() ?? '';
  if (!domain) problems.push('BOT_DOMAIN must be the host name the bot is served from, e.g. bot.example.gov');
  else if (/[/:]/.test(domain)) problems.push('BOT_DOMAIN must be a bare host name, without https:// or a path');
  const website = env.DEVELOPER_WEBSITE?.trim() || `https://${domain}`;
  if (!website.startsWith('https://')) problems.push('DEVELOPER_WEBSITE must start with https://');
  return {
    values: {
      MICROSOFT_APP_ID: botId,
      TEAMS_APP_ID: appId,
      BOT_DOMAIN: domain,
      DEVELOPER_NAME: env.DEVELOPER_NAME?.trim() || 'Your organisation',
      DEVELOPER_WEBSITE: website.replace(/\/$/, ''),
    },
    problems,
  };
}

export async function buildTeamsPackage({ manifestDir, env }: PackageInput): Promise<BuiltPackage> {
  const template = await readFile(new URL('manifest.json', manifestDir), 'utf8');
  const { values, problems } = variables(env);
  const filled = template.replace(/\$\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    if (!(name in values)) problems.push(`manifest.json uses \${{${name}}}, which has no value`);
    return JSON.stringify(values[name] ?? '').slice(1, -1);
  });
  const manifest = JSON.parse(filled) as Record<string, unknown>;
  const color = new Uint8Array(await readFile(new URL('color.png', manifestDir)));
  const outline = new Uint8Array(await readFile(new URL('outline.png', manifestDir)));
  problems.push(...iconProblems(color, outline));
  if (problems.length === 0) {
    const schemaErrors = await AppManifestUtils.validateAgainstSchema(manifest as never);
    problems.push(...schemaErrors.map((error) => `manifest.json${error}`));
  }
  if (problems.length > 0) throw new PackageError(problems);
  const zip = zipSync({
    'manifest.json': new TextEncoder().encode(JSON.stringify(manifest, null, 2)),
    'color.png': color,
    'outline.png': outline,
  });
  return { manifest, zip };
}

interface Png {
  width: number;
  height: number;
  colorType: number;
  pixels: Buffer;
}

/** Just enough PNG to check the icons: size, colour type, and (8-bit RGBA, unfiltered or filtered rows) alpha. */
export function readPng(bytes: Uint8Array): Png {
  const buf = Buffer.from(bytes);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const data: Buffer[] = [];
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('ascii', offset + 4, offset + 8);
    const chunk = buf.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = chunk.readUInt32BE(0);
      height = chunk.readUInt32BE(4);
      colorType = chunk[9] ?? 0;
    }
    if (type === 'IDAT') data.push(chunk);
    offset += 12 + length;
  }
  return { width, height, colorType, pixels: inflateSync(Buffer.concat(data)) };
}

export function iconProblems(color: Uint8Array, outline: Uint8Array): string[] {
  const problems: string[] = [];
  const c = readPng(color);
  if (c.width !== 192 || c.height !== 192)
    problems.push(`color.png must be 192×192 pixels, not ${c.width}×${c.height}`);
  const o = readPng(outline);
  if (o.width !== 32 || o.height !== 32) problems.push(`outline.png must be 32×32 pixels, not ${o.width}×${o.height}`);
  if (o.colorType !== 6)
    problems.push('outline.png must have an alpha channel (RGBA) so its background is transparent');
  else if (!whiteOnTransparent(o)) problems.push('outline.png must be white (#FFFFFF) on a transparent background');
  return problems;
}

function whiteOnTransparent(png: Png): boolean {
  const stride = png.width * 4 + 1;
  for (let y = 0; y < png.height; y++) {
    if (png.pixels[y * stride] !== 0) return false; // filtered rows are not expected from our generator
    for (let x = 0; x < png.width; x++) {
      const i = y * stride + 1 + x * 4;
      const [r, g, b, a] = png.pixels.subarray(i, i + 4);
      if (a !== 0 && (r !== 255 || g !== 255 || b !== 255)) return false;
    }
  }
  return true;
}
