import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { buildTeamsPackage, PackageError } from '../channels/teams/app-package.js';

// `npm run package:teams`: writes dist/teams-app.zip, ready to upload in Teams (Apps → Manage your apps → Upload).
if (existsSync('.env')) process.loadEnvFile('.env');

const output = process.argv[2] ?? 'dist/teams-app.zip';
try {
  const { manifest, zip } = await buildTeamsPackage({
    manifestDir: new URL('../../manifests/teams/', import.meta.url),
    env: process.env,
  });
  await mkdir(output.split('/').slice(0, -1).join('/') || '.', { recursive: true });
  await writeFile(output, zip);
  process.stdout.write(`Wrote ${output}: Teams app ${String(manifest.id)} for bot ${process.env.MICROSOFT_APP_ID}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof PackageError ? error.message : String(error)}\n`);
  process.exit(error instanceof PackageError ? 2 : 1);
}
