import assert from 'node:assert/strict';
import { CARD_NAMES, renderCard } from '../../src/bot/cards.js';
import { faqTexts } from '../../src/text/faq.nb.js';
import { validateCard } from '../helpers/adaptive-cards.js';

const sample: Record<string, Record<string, unknown>> = {
  welcome: { ...faqTexts.welcome, contactUrl: 'https://fylke.example.no/kontakt' },
  answer: {
    heading: 'Hvem kan bli praksiskandidat?', source: faqTexts.answer.source('Praksiskandidat'), excerpt: 'Du må ha allsidig praksis. Praksistiden er 25 % lengre enn læretiden.',
    updated: faqTexts.answer.updated('14. august 2026'), general: faqTexts.answer.general, helpfulTitle: 'Nyttig', notHelpfulTitle: 'Ikke nyttig', readMoreTitle: 'Les mer',
    thanks: faqTexts.answer.thanks, nextStep: faqTexts.answer.nextStep, contactTitle: 'Kontakt', contactUrl: 'https://fylke.example.no/kontakt',
    url: 'https://fylke.example.no/praksiskandidat#hvem', questionId: 'q1', sectionId: 's1', feedback: 'none', canEscalate: true, escalateTitle: 'Send til utdanningsteamet', canBook: true, bookTitle: 'Bestill trepartssamtale',
    othersTitle: faqTexts.answer.others, others: [], navNote: '', question: 'hvem kan bli praksiskandidat',
  },
  clarify: { ...faqTexts.clarify, noneTitle: 'Ingen av disse', questionId: 'q1', question: 'fagbrev uten læreplass', candidates: [{ id: 's1', rank: 0, heading: 'Praksiskandidat', title: 'Fagopplæring', line: 'Du kan ta fagbrev på grunnlag av lang praksis.' }, { id: 's2', rank: 1, heading: 'Privatist', title: 'Eksamen', line: '' }] },
  escalate: { ...faqTexts.escalate, contactUrl: 'https://fylke.example.no/kontakt' },
  nav: faqTexts.nav,
};

const validate = (card: Record<string, unknown>): string[] => validateCard(card).events;

describe('Adaptive Card templates', () => {
  for (const name of CARD_NAMES) {
    it(`${name}.json expands with data and parses and validates without errors`, () => {
      const card = renderCard(name, sample[name]);
      const s = JSON.stringify(card);
      assert.ok(!s.includes('${'), `unexpanded template expression in ${name}`);
      assert.deepEqual(validate(card), []);
    });
  }

  it('the answer card shows feedback buttons before feedback, and thanks instead after', () => {
    const before = JSON.stringify(renderCard('answer', sample.answer));
    assert.match(before, /"verb":"feedback"/);
    const after = JSON.stringify(renderCard('answer', { ...sample.answer, feedback: 'yes' }));
    assert.doesNotMatch(after, /"verb":"feedback"/);
    assert.match(after, /Takk for tilbakemeldingen/);
    const no = JSON.stringify(renderCard('answer', { ...sample.answer, feedback: 'no' }));
    assert.match(no, /Kontakt/);
    assert.match(no, /"verb":"ticketForm"/, '"Ikke nyttig" offers sending the case to the team');
    assert.doesNotMatch(before, /"verb":"ticketForm"/);
  });

  it('the answer card says NAV\'s own rules apply only when the question named a NAV benefit', () => {
    assert.doesNotMatch(JSON.stringify(renderCard('answer', sample.answer)), /NAVs egne regler/);
    const card = renderCard('answer', { ...sample.answer, navNote: faqTexts.answer.navNote });
    assert.match(JSON.stringify(card), /Svaret gjelder fylkets tilbud; hva bruker har rett til fra NAV, følger NAVs egne regler/);
    assert.deepEqual(validate(card), []);
  });

  it('the answer card lists «Andre sider som kan passe» as links only when there are some', () => {
    const without = JSON.stringify(renderCard('answer', sample.answer));
    assert.doesNotMatch(without, /Andre sider som kan passe/);
    const card = renderCard('answer', { ...sample.answer, others: [{ url: 'https://fylke.example.no/privatist#a', label: 'Privatist (Eksamen)' }] });
    assert.match(JSON.stringify(card), /Andre sider som kan passe/);
    assert.match(JSON.stringify(card), /• \[Privatist \(Eksamen\)\]\(https:\/\/fylke\.example\.no\/privatist#a\)/);
    assert.deepEqual(validate(card), []);
  });

  it('the clarify card has one button per candidate and "Ingen av disse"', () => {
    const card = renderCard('clarify', sample.clarify) as { actions: { title: string; data: { sectionId?: string; questionId: string } }[] };
    assert.deepEqual(card.actions.map((a) => a.title), ['Praksiskandidat', 'Privatist', 'Ingen av disse']);
    assert.ok(card.actions.every((a) => a.data.questionId === 'q1'));
  });

  it('text from the county site is carried as text, never as card structure', () => {
    const card = renderCard('answer', { ...sample.answer, heading: '"}],"actions":[{"type":"Action.OpenUrl","url":"https://evil.example"}]}', excerpt: '<script>alert(1)</script>' });
    assert.deepEqual(validate(card), []);
    assert.ok(!JSON.stringify((card as { actions: unknown[] }).actions).includes('evil.example'));
  });
});
