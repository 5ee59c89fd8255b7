/** Ask the veileder ("Still spørsmål til veileder"): a member of the ticket's team asks for more information; the ticket waits for the answer. */
import type { Ticket } from '../model.js';
import type { CommandActor } from '../team-roster.js';
import { teamVerb, type CommandContext, type TicketRef } from './context.js';

export interface AskInput extends TicketRef {
  text: string;
}

export function askVeileder(c: CommandContext, actor: CommandActor, input: AskInput): Promise<Ticket> {
  return teamVerb(c, actor, input, (member) => c.service.askVeileder({ ticketId: input.ticketId, actor: member, text: input.text, expectedVersion: input.version }));
}
