/** Withdraw ("Trekk saken"): the veileder who sent the ticket takes it back. */
import type { Actor, Ticket } from '../model.js';
import { veilederVerb, type CommandContext, type TicketRef } from './context.js';

export function withdrawTicket(c: CommandContext, actor: Actor, input: TicketRef): Promise<Ticket> {
  return veilederVerb(c, actor, input, (requester) => c.service.withdraw({ ticketId: input.ticketId, actor: requester, expectedVersion: input.version }));
}
