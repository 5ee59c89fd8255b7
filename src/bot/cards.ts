/**
 * The FAQ chat's cards (welcome, answer, clarify, escalate, nav) by name, made with the one
 * `render` (src/bot/render.ts), and as a Teams attachment.
 */
import { z } from 'zod';
import { render } from './render.js';

export const CARD_NAMES = ['welcome', 'answer', 'clarify', 'escalate', 'nav'] as const;
export type CardName = (typeof CARD_NAMES)[number];

/** A FAQ card as JSON, with the data filled in (`render`, typed by the card's name). */
export function renderCard(name: CardName, data: Record<string, unknown>): Record<string, unknown> {
  return render(name, data);
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

/** A card form's optional field: Teams sends an untouched input as '' (or null), which means "not given". */
export const optionalInput = <T extends z.ZodTypeAny>(s: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), s.optional());
