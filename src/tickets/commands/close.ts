/** Close ("Lukk"): a member of the ticket's team closes it. */
import type { Ticket } from '../model.js';
import type { CommandActor } from '../team-roster.js';
import { teamVerb, type CommandContext, type TicketRef } from './context.js';

export function closeTicket(c: CommandContext, actor: CommandActor, input: TicketRef): Promise<Ticket> {
  return teamVerb(c, actor, input, (member) => c.service.close({ ticketId: input.ticketId, actor: member, expectedVersion: input.version }));
}
