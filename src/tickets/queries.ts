/**
 * The ticket lists and the routing rule more than one edge needs, written once: a veileder's own
 * tickets («Mine saker» in the bot and the tab), the open tickets still waiting for a channel, and
 * which escalation channel a ticket goes to.
 */
import { fold } from '../faq/text.js';
import type { EscalationChannel, Store } from '../store/store.js';
import { OPEN_STATES, type Section, type Ticket } from './model.js';

/** The tickets `requesterId` sent, newest first. */
export async function myTickets(store: Store, requesterId: string): Promise<Ticket[]> {
  return (await store.listTickets()).filter((t) => t.requester.id === requesterId).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Open tickets made while no channel fitted them, oldest first. */
export async function waitingForChannel(store: Store): Promise<Ticket[]> {
  return (await store.listTickets()).filter((t) => !t.channel && OPEN_STATES.includes(t.state)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The most specific escalation channel for a section and region; a catch-all otherwise. */
export function routeTicket(channels: EscalationChannel[], section: Section, region?: string): EscalationChannel | undefined {
  const r = region ? fold(region.toLowerCase()) : undefined;
  const fits = channels
    .filter((c) => (c.sections.length === 0 || c.sections.includes(section)) && (c.regions.length === 0 || (r !== undefined && c.regions.some((x) => fold(x.toLowerCase()) === r))))
    .map((c) => ({ c, score: (c.sections.length ? 2 : 0) + (c.regions.length ? 1 : 0) }))
    .sort((a, b) => b.score - a.score || b.c.setAt.localeCompare(a.c.setAt));
  return fits[0]?.c;
}
