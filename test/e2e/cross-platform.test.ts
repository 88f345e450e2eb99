import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/core/triage/types.js';
import type { RunningService } from '../../src/service.js';
import { KeyvDialogueRepository } from '../../src/store/dialogue-repository.js';
import { Records } from '../../src/store/records.js';
import { buttons, SlackHarness, TEAM } from '../helpers/slack-harness.js';
import { cardActions, messageCard, TeamsHarness } from '../helpers/teams-harness.js';
import { CHANNEL_ID, TENANT_ID } from '../support/teams-activities.js';
import { rawAnswers } from '../unit/triage-helpers.js';

async function outcomeOf(service: RunningService, tenant: string, dialogueId: string): Promise<Outcome> {
  const dialogue = await new KeyvDialogueRepository(new Records(service.store)).get(tenant, dialogueId);
  if (!dialogue) throw new Error(`no dialogue ${dialogueId}`);
  expect(dialogue.status).not.toBe('open');
  return service.triage.outcomeOf(dialogue);
}

describe('one core, two platforms', () => {
  it.each(['benefits-scoring', 'citizen-faq-chatbot', 'partial-caseworker-summaries'] as const)(
    'the same answers give the same outcome in Slack and in Teams (%s)',
    async (fixture) => {
      const answers = rawAnswers(fixture);
      const answer = (id: string) => answers[id] ?? 'dontKnow';

      const slack = await SlackHarness.start();
      const teams = await TeamsHarness.start();
      try {
        await slack.command('triage Same answers');
        await slack.fake.waitFor(() => slack.messages().some((m) => m.threadTs));
        const root = slack.rootOf('Same answers');
        const slackDialogue = buttons(slack.currentQuestion(root.ts)!)[0]!.payload.d;
        for (let i = 0; i < 20; i++) {
          const question = slack.currentQuestion(root.ts);
          if (!question) break;
          await slack.answer(root.ts, answer(slack.questionIdOf(question)!));
        }

        await teams.say('triage Same answers', { rootId: '1790000777000' });
        const thread = `${CHANNEL_ID};messageid=1790000777000`;
        await teams.connector.waitFor(() => teams.currentQuestion(thread) !== undefined);
        const teamsDialogue = String(cardActions(messageCard(teams.currentQuestion(thread)!))[0]!.data.d);
        for (let i = 0; i < 20; i++) {
          const question = teams.currentQuestion(thread);
          if (!question) break;
          await teams.answer(thread, answer(teams.questionIdOf(question)!));
        }

        const fromSlack = await outcomeOf(slack.service!, `slack_${TEAM}`, slackDialogue);
        const fromTeams = await outcomeOf(teams.service, `teams_${TENANT_ID}`, teamsDialogue);
        expect(fromTeams).toEqual(fromSlack);
      } finally {
        await slack.close();
        await teams.close();
      }
    },
  );
});
