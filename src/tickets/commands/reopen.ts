/** Reopen ("Trenger mer hjelp"): the veileder who sent the ticket asks a follow-up within the reopen period; it goes back to the team. */
import type { Actor, Ticket } from '../model.js';
import { veilederVerb, type CommandContext, type TicketRef } from './context.js';

export interface ReopenInput extends TicketRef {
  text: string;
}

export function reopenTicket(c: CommandContext, actor: Actor, input: ReopenInput): Promise<Ticket> {
  return veilederVerb(c, actor, input, (requester) => c.service.reopen({ ticketId: input.ticketId, actor: requester, text: input.text, expectedVersion: input.version }));
}
