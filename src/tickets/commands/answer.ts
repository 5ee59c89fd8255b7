/** Answer ("Svar", or "@Veiviser svar: …" in the card's thread): a member of the ticket's team answers; the answer goes to the veileder. */
import type { Ticket } from '../model.js';
import type { CommandActor } from '../team-roster.js';
import { teamVerb, type CommandContext, type TicketRef } from './context.js';

export interface AnswerInput extends TicketRef {
  text: string;
}

export function answerTicket(c: CommandContext, actor: CommandActor, input: AnswerInput): Promise<Ticket> {
  return teamVerb(c, actor, input, (member) => c.service.answer({ ticketId: input.ticketId, actor: member, text: input.text, expectedVersion: input.version }));
}
