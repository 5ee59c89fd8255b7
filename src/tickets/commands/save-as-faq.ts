/**
 * Save as FAQ ("Lagre svaret som FAQ"): a member of the ticket's team publishes the question and
 * the team's answer as a curated FAQ entry; the FAQ index is rebuilt so it is found at once.
 */
import type { Ticket } from '../model.js';
import type { CommandActor } from '../team-roster.js';
import { teamVerb, type CommandContext, type TicketRef } from './context.js';

export function saveAsFaq(c: CommandContext, actor: CommandActor, input: TicketRef): Promise<Ticket> {
  return teamVerb(c, actor, input, async (member) => {
    const saved = await c.service.saveAsFaq({ ticketId: input.ticketId, actor: member, expectedVersion: input.version });
    c.onFaqSaved?.();
    return saved;
  });
}
