import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  buildTeamsPackage,
  derivedAppId,
  iconProblems,
  PackageError,
  readPng,
} from '../../src/channels/teams/app-package.js';

const manifestDir = new URL('../../manifests/teams/', import.meta.url);
const BOT = '22222222-2222-2222-2222-222222222222';

describe('the Teams app package', () => {
  it('fills the ids from the environment and zips a manifest that validates, with both icons', async () => {
    const { manifest, zip } = await buildTeamsPackage({
      manifestDir,
      env: { MICROSOFT_APP_ID: BOT, BOT_DOMAIN: 'bot.example.gov' },
    });
    expect(manifest.id).toBe(derivedAppId(BOT));
    expect(JSON.stringify(manifest)).not.toContain('${{');
    expect((manifest.bots as Array<{ botId: string }>)[0]!.botId).toBe(BOT);
    expect(manifest.validDomains).toEqual(['bot.example.gov']);
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(readPng(files['color.png']!)).toMatchObject({ width: 192, height: 192 });
    expect(readPng(files['outline.png']!)).toMatchObject({ width: 32, height: 32, colorType: 6 });
  });

  it('keeps the same Teams app id for the same bot, so a rebuilt package updates the app', () => {
    expect(derivedAppId(BOT)).toBe(derivedAppId(BOT));
    expect(derivedAppId(BOT)).not.toBe(derivedAppId('33333333-3333-3333-3333-333333333333'));
    expect(derivedAppId(BOT)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('lists every problem with the environment at once', async () => {
    const attempt = buildTeamsPackage({
      manifestDir,
      env: { MICROSOFT_APP_ID: 'not-a-guid', BOT_DOMAIN: 'https://x.gov/bot' },
    });
    await expect(attempt).rejects.toBeInstanceOf(PackageError);
    await expect(attempt).rejects.toThrow(/MICROSOFT_APP_ID[\s\S]*BOT_DOMAIN must be a bare host name/);
  });

  it('refuses icons Teams would refuse', () => {
    const color = new Uint8Array(readFileSync(new URL('color.png', manifestDir)));
    const outline = new Uint8Array(readFileSync(new URL('outline.png', manifestDir)));
    expect(iconProblems(color, outline)).toEqual([]);
    expect(iconProblems(outline, color).join(' ')).toMatch(/color.png must be 192×192[\s\S]*outline.png must be 32×32/);
  });
});
