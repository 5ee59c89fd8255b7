import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { JSDOM } from 'jsdom';
import { CARD_NAMES, renderCard } from '../../src/bot/cards.js';
import { nb } from '../../src/bot/messages.nb.js';

// adaptivecards@3 loads under Node only as its UMD bundle, and renders into a DOM (jsdom here).
const dom = new JSDOM('<!doctype html><html><body></body></html>');
const g = globalThis as Record<string, unknown>;
for (const k of Object.getOwnPropertyNames(dom.window)) if (/^(HTML|SVG)/.test(k) && !(k in g)) g[k] = (dom.window as unknown as Record<string, unknown>)[k];
Object.assign(g, { window: dom.window, document: dom.window.document, Node: dom.window.Node });
if (!('navigator' in g)) Object.defineProperty(g, 'navigator', { value: dom.window.navigator, configurable: true });
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js');
AC.AdaptiveCard.onProcessMarkdown = (text: string, result: { outputHtml: string; didProcess: boolean }) => {
  result.outputHtml = text;
  result.didProcess = true;
};

const sample: Record<string, Record<string, unknown>> = {
  welcome: { ...nb.welcome, contactUrl: 'https://fylke.example.no/kontakt' },
  answer: {
    heading: 'Hvem kan bli praksiskandidat?', source: nb.answer.source('Praksiskandidat'), excerpt: 'Du må ha allsidig praksis. Praksistiden er 25 % lengre enn læretiden.',
    updated: nb.answer.updated('14. august 2026'), general: nb.answer.general, helpfulTitle: 'Nyttig', notHelpfulTitle: 'Ikke nyttig', readMoreTitle: 'Les mer',
    thanks: nb.answer.thanks, nextStep: nb.answer.nextStep, contactTitle: 'Kontakt', contactUrl: 'https://fylke.example.no/kontakt',
    url: 'https://fylke.example.no/praksiskandidat#hvem', questionId: 'q1', sectionId: 's1', feedback: 'none',
  },
  clarify: { ...nb.clarify, noneTitle: 'Ingen av disse', questionId: 'q1', candidates: [{ id: 's1', heading: 'Praksiskandidat', title: 'Fagopplæring' }, { id: 's2', heading: 'Privatist', title: 'Eksamen' }] },
  escalate: { ...nb.escalate, contactUrl: 'https://fylke.example.no/kontakt' },
  nav: nb.nav,
};

function validate(card: Record<string, unknown>): string[] {
  const ctx = new AC.SerializationContext();
  ctx.targetVersion = AC.Versions.v1_5;
  const c = new AC.AdaptiveCard();
  c.parse(card, ctx);
  const events: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) events.push(ctx.getEventAt(i).message);
  for (const e of c.validateProperties().validationEvents) events.push(e.message);
  assert.ok(c.render(), 'card renders');
  return events;
}

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
