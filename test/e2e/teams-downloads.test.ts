import { afterEach, describe, expect, it } from 'vitest';
import { TeamsSurface } from '../../src/channels/teams/surface.js';
import { Downloads } from '../../src/http/downloads.js';
import { KeyvConversationReferenceRepository } from '../../src/store/conversation-reference-repository.js';
import { Records } from '../../src/store/records.js';
import { messageCard, TeamsHarness } from '../helpers/teams-harness.js';
import { cardText } from '../support/adaptive-cards.js';
import { CHANNEL_ID } from '../support/teams-activities.js';

let harness: TeamsHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('Teams: files too long for a message', () => {
  it('offers a long export as a download link that serves the file for a day', async () => {
    harness = await TeamsHarness.start();
    const service = harness.service;
    const records = new Records(service.store);
    const downloads = new Downloads(records, () => `http://127.0.0.1:${service.port}`);
    const teams = service.teams!;
    const surface = new TeamsSurface(
      {
        adapter: teams.adapter,
        botAppId: teams.botAppId,
        references: new KeyvConversationReferenceRepository(records),
        downloads,
        serviceUrls: { local: true, hosts: [] },
      },
      'teams_tenant-a',
      {
        serviceUrl: harness.connector.url,
        channelId: 'msteams',
        conversation: { id: CHANNEL_ID, isGroup: true, conversationType: 'channel', name: 'AI buying' },
      },
    );
    const content = JSON.stringify({ padding: 'x'.repeat(40_000), end: true });
    await surface.uploadFile(
      { channel: CHANNEL_ID, id: '1' },
      { filename: 'ocds-C-7K2M9Q.json', title: 'OCDS release', content },
    );

    const posted = harness.connector.thread(CHANNEL_ID).at(-1)!;
    const text = cardText(messageCard(posted));
    expect(text).toContain('Download ocds-C-7K2M9Q.json');
    const url = JSON.stringify(messageCard(posted)).match(/http:\/\/127\.0\.0\.1:\d+\/downloads\/[^"]+/)?.[0];
    expect(url).toBeDefined();
    const response = await fetch(url!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('ocds-C-7K2M9Q.json');
    expect(await response.text()).toBe(content);
    // Another tenant's path, or a made-up token, finds nothing.
    expect((await fetch(url!.replace('teams_tenant-a', 'teams_tenant-b'))).status).toBe(404);
    expect((await fetch(url!.replace(/[\w-]{24}$/, 'A'.repeat(24)))).status).toBe(404);
  });
});
