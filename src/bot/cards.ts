/**
 * Cards are data: each template in adaptive-cards/*.json is filled with adaptivecards-templating.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ACData from 'adaptivecards-templating';

export const CARDS_DIR = fileURLToPath(new URL('../../adaptive-cards/', import.meta.url));
export const CARD_NAMES = ['welcome', 'answer', 'clarify', 'escalate', 'nav'] as const;
export type CardName = (typeof CARD_NAMES)[number];

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

/** The card as JSON, with the data filled in. */
export function renderCard(name: CardName, data: Record<string, unknown>): Record<string, unknown> {
  return new ACData.Template(loadTemplate(name)).expand({ $root: data }) as Record<string, unknown>;
}

/** The content type of an Adaptive Card attachment. */
export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** A card as a message attachment (a plain object: what botbuilder's CardFactory.adaptiveCard made). */
export interface CardAttachment { contentType: typeof ADAPTIVE_CARD; content: Record<string, unknown> }

export function adaptiveCardAttachment(content: Record<string, unknown>): CardAttachment {
  return { contentType: ADAPTIVE_CARD, content };
}

export function cardAttachment(name: CardName, data: Record<string, unknown>): CardAttachment {
  return adaptiveCardAttachment(renderCard(name, data));
}
