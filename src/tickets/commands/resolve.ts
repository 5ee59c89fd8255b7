/** Resolve ("Løst, takk"): the veileder who sent the ticket says the answer solved it; it is closed. */
import type { Actor, Ticket } from '../model.js';
import { veilederVerb, type CommandContext, type TicketRef } from './context.js';

export function resolveTicket(c: CommandContext, actor: Actor, input: TicketRef): Promise<Ticket> {
  return veilederVerb(c, actor, input, (requester) => c.service.resolve({ ticketId: input.ticketId, actor: requester, expectedVersion: input.version }));
}
