/**
 * The official Adaptive Cards renderer under Node: adaptivecards@3 loads only as its UMD bundle
 * and renders into a DOM (jsdom here). `validateCard` parses, validates and renders a card and
 * returns every parse/validation event (none = a good card).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { JSDOM } from 'jsdom';

const g = globalThis as Record<string, unknown>;
if (!('document' in g)) {
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  for (const k of Object.getOwnPropertyNames(dom.window)) if (/^(HTML|SVG)/.test(k) && !(k in g)) g[k] = (dom.window as unknown as Record<string, unknown>)[k];
  Object.assign(g, { window: dom.window, document: dom.window.document, Node: dom.window.Node });
  if (!('navigator' in g)) Object.defineProperty(g, 'navigator', { value: dom.window.navigator, configurable: true });
}
/** The adaptivecards module itself, for tests that drive a rendered card. */
export const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js');
// Like a Markdown-capable host that passes HTML through: anything that reaches Markdown
// processing unescaped would become DOM structure, which injection tests would see.
AC.AdaptiveCard.onProcessMarkdown = (text: string, result: { outputHtml: string; didProcess: boolean }) => {
  result.outputHtml = text;
  result.didProcess = true;
};

export function validateCard(card: Record<string, unknown>): { events: string[]; element: HTMLElement } {
  const ctx = new AC.SerializationContext();
  ctx.targetVersion = AC.Versions.v1_5;
  const c = new AC.AdaptiveCard();
  c.parse(card, ctx);
  const events: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) events.push(ctx.getEventAt(i).message);
  for (const e of c.validateProperties().validationEvents) events.push(e.message);
  const element = c.render();
  assert.ok(element, 'card renders');
  return { events, element };
}
