/**
 * The one way a card is made: a template from adaptive-cards/<name>.json filled with data
 * (adaptivecards-templating), plus what Teams needs on every card — today an Action.Submit
 * fallback on every Action.Execute, for clients without Universal Actions. Every card builder
 * (FAQ, ticket, booking) calls `render`; none expands a template itself.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ACData from 'adaptivecards-templating';

/** The card templates, one JSON file per card. */
export const CARDS_DIR = fileURLToPath(new URL('../../adaptive-cards/', import.meta.url));

/** Every template in adaptive-cards/ (a test checks this list against the folder). */
export const TEMPLATE_NAMES = [
  'welcome', 'answer', 'clarify', 'escalate', 'nav',
  'escalate-form', 'ticket', 'ticket-veileder', 'my-tickets',
  'booking-form', 'booking-slots', 'booking',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

type Card = Record<string, unknown>;

const cache = new Map<string, unknown>();

/** A card template from adaptive-cards/<name>.json, read once. */
export function loadTemplate(name: string): unknown {
  let t = cache.get(name);
  if (!t) {
    t = JSON.parse(readFileSync(`${CARDS_DIR}${name}.json`, 'utf8'));
    cache.set(name, t);
  }
  return t;
}

/** The template filled with data; every Action.Execute also gets an Action.Submit fallback. */
export function render(template: TemplateName, data: Record<string, unknown>): Card {
  const card = new ACData.Template(loadTemplate(template)).expand({ $root: data }) as Card;
  return withSubmitFallback(card) as Card;
}

/**
 * Clients without Universal Actions get an Action.Submit with the same data plus `verb`
 * (the bot receives it as a message activity whose value carries the verb, and handles it
 * like the Execute: VeiviserBot.handleAction).
 */
function withSubmitFallback(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withSubmitFallback);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = withSubmitFallback(v);
  if (out.type === 'Action.Execute' && typeof out.verb === 'string') {
    const data = out.data && typeof out.data === 'object' ? (out.data as Record<string, unknown>) : {};
    out.fallback = {
      type: 'Action.Submit',
      title: out.title,
      ...(out.style ? { style: out.style } : {}),
      ...(out.associatedInputs ? { associatedInputs: out.associatedInputs } : {}),
      data: { ...data, verb: out.verb },
    };
  }
  return out;
}
