/**
 * The FAQ chat's cards (welcome, answer, clarify, escalate, nav) by name, made with the one
 * `render` (src/bot/render.ts), and as a Teams attachment.
 */
import { CardFactory, type Attachment } from 'botbuilder';
import { render } from './render.js';

export const CARD_NAMES = ['welcome', 'answer', 'clarify', 'escalate', 'nav'] as const;
export type CardName = (typeof CARD_NAMES)[number];

/** A FAQ card as JSON, with the data filled in (`render`, typed by the card's name). */
export function renderCard(name: CardName, data: Record<string, unknown>): Record<string, unknown> {
  return render(name, data);
}

export function cardAttachment(name: CardName, data: Record<string, unknown>): Attachment {
  return CardFactory.adaptiveCard(renderCard(name, data));
}
