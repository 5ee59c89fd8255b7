/** Add information: the veileder who sent the ticket answers the team's question or adds context. */
import type { Actor, Ticket } from '../model.js';
import { veilederVerb, type CommandContext, type TicketRef } from './context.js';

export interface TextInput extends TicketRef {
  text: string;
}

export function addInfo(c: CommandContext, actor: Actor, input: TextInput): Promise<Ticket> {
  return veilederVerb(c, actor, input, (requester) => c.service.addInfo({ ticketId: input.ticketId, actor: requester, text: input.text, expectedVersion: input.version }));
}
