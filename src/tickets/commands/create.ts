/**
 * Create: a veileder sends a case to the education team, with the bruker's consent. The ticket is
 * routed to the most specific escalation channel (none yet: it waits, see send-to-channel.ts);
 * the roster of that channel's team is read first, so its card can offer "Tildel til …".
 */
import { randomUUID } from 'node:crypto';
import type { Actor, Section, Situation, Ticket } from '../model.js';
import { routeTicket } from '../queries.js';
import type { CommandContext } from './context.js';

export interface CreateInput {
  question: string;
  section: Section;
  region?: string;
  situation: Situation;
  office?: string;
  /** The veileder, where the answer goes back to, and the message that shows their card (if known). */
  requester: Actor & { conversationKey: string; cardActivityId?: string };
}

export interface Created {
  ticket: Ticket;
  /** Whether a channel took it (otherwise it waits for the team to choose one). */
  routed: boolean;
}

/** Consent is part of the command: the edge only calls it once the veileder has confirmed it. */
export async function createTicket(c: CommandContext, input: CreateInput): Promise<Created> {
  const channel = routeTicket(await c.store.listEscalationChannels(), input.section, input.region);
  if (channel) {
    // Warm the roster so the channel card offers "Tildel til …" and refreshes per member.
    await c.roster.members(channel.teamId).catch((err: Error & { reason?: string }) => c.log?.warn({ event: 'roster_unavailable', err: err.reason ?? err.message }));
  }
  const ticket = await c.service.create({
    question: input.question,
    section: input.section,
    region: input.region,
    situation: input.situation,
    office: input.office,
    consent: true,
    requester: input.requester,
    channel: channel ? { conversationKey: channel.conversationKey, teamId: channel.teamId, cardMessageId: randomUUID() } : undefined,
  });
  c.kickOutbox?.();
  return { ticket, routed: Boolean(channel) };
}
