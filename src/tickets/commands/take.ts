/** Take ("Ta saken"): a member of the ticket's team makes it theirs. */
import type { Ticket } from '../model.js';
import type { CommandActor } from '../team-roster.js';
import { teamVerb, type CommandContext, type TicketRef } from './context.js';

export function takeTicket(c: CommandContext, actor: CommandActor, input: TicketRef): Promise<Ticket> {
  return teamVerb(c, actor, input, (member) => c.service.take({ ticketId: input.ticketId, actor: member, expectedVersion: input.version }));
}
