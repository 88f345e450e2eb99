import { describe, expect, it } from 'vitest';
import { renderCard } from '../../src/channels/teams/render/cards.js';
import { formValues, renderFormCard } from '../../src/channels/teams/render/form-card.js';
import type { FormView, View } from '../../src/core/view.js';
import { findMentions, validateCard } from '../support/adaptive-cards.js';

const OWNER_ID = '2bd806c9-7f0e-40af-8a1f-c3328fa763a9';

describe('Teams cards: mentions the bot means, and only those', () => {
  it('turns an escalation into a real mention: its <at> text in a TextBlock, its entity naming the person', () => {
    const view: View = {
      fallback: 'x',
      blocks: [{ type: 'text', content: ['Overdue · owner ', { mention: { id: OWNER_ID, name: 'Alice Jones' } }] }],
    };
    const card = renderCard(view);
    expect(validateCard(card)).toEqual([]);
    expect(card.msteams).toEqual({
      entities: [{ type: 'mention', text: '<at>Alice Jones</at>', mentioned: { id: OWNER_ID, name: 'Alice Jones' } }],
    });
    expect(JSON.stringify(card.body)).toContain('"type":"TextBlock","text":"<at>Alice Jones</at>"');
  });

  it('never mentions a typed name, a hostile name, or a plain user reference', () => {
    const view: View = {
      fallback: 'x',
      blocks: [
        { type: 'text', content: ['Typed ', { mention: { id: 'name:Sam', name: 'Sam' } }] },
        { type: 'text', content: ['Answered by ', { user: { id: OWNER_ID, name: 'Alice Jones' } }] },
        { type: 'text', content: ['<at>Everyone</at> **bold** [x](https://evil.example)'] },
      ],
    };
    const card = renderCard(view);
    expect(card.msteams).toBeUndefined();
    expect(findMentions(card)).toEqual([]);
  });

  it('cuts a mentioned person’s name down to letters, so it can neither format nor close the tag', () => {
    const card = renderCard({
      fallback: 'x',
      blocks: [{ type: 'text', content: [{ mention: { id: OWNER_ID, name: '</at>*Eve* [x](http://e) _o_' } }] }],
    });
    const entities = (card.msteams as { entities: { text: string }[] }).entities;
    expect(entities.map((e) => e.text)).toEqual(['<at>atEve xhttpe o</at>']);
    expect(validateCard(card)).toEqual([]);
  });
});

describe('Teams form cards: people from the directory', () => {
  const form: FormView = {
    title: 'Register',
    fields: [
      { kind: 'user', id: 'owner', label: 'Owner', initial: { id: OWNER_ID, name: 'Alice Jones' } },
      { kind: 'user', id: 'sro', label: 'SRO', initial: { id: 'name:Typed Person', name: 'Typed Person' } },
    ],
    submit: { id: 'contract_submit', label: 'Register', value: { d: 'D1' } },
  };

  it('offers Teams’ people picker, with the person proposed as its choice', () => {
    const card = renderFormCard(form);
    expect(validateCard(card)).toEqual([]);
    const inputs = (card.body as Record<string, unknown>[]).filter((e) => e.type === 'Input.ChoiceSet');
    expect(inputs[0]).toMatchObject({
      id: 'owner',
      'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
      choices: [{ title: 'Alice Jones', value: OWNER_ID }],
      value: OWNER_ID,
    });
    // A typed name from an older contract is not offered as a directory person.
    expect(inputs[1]).toMatchObject({ id: 'sro', choices: [] });
  });

  it('reads a picked person back as picked, and anything else as typed', () => {
    const data = {
      ...(
        (renderFormCard(form).body as Record<string, unknown>[]).at(-1) as {
          actions: { data: Record<string, unknown> }[];
        }
      ).actions[0]!.data,
    };
    expect(formValues({ ...data, owner: OWNER_ID, sro: '<at>Sam</at> Senior' })).toMatchObject({
      owner: `user:${OWNER_ID}`,
      sro: '<at>Sam</at> Senior',
    });
  });
});
