/**
 * Assign ("Tildel til …"): a member of the ticket's team gives it to a colleague. The one place
 * that checks the assignee is on the ticket's team too.
 */
import { DomainError } from '../../domain-error.js';
import type { Ticket } from '../model.js';
import { assigneeOf, type CommandActor } from '../team-roster.js';
import { teamVerb, type CommandContext, type TicketRef } from './context.js';

export interface AssignInput extends TicketRef {
  /** The colleague's AAD object id or Teams id. */
  assignee: string;
}

export function assignTicket(c: CommandContext, actor: CommandActor, input: AssignInput): Promise<Ticket> {
  return teamVerb(c, actor, input, async (member, ticket) => {
    const assignee = await assigneeOf(c.roster, ticket, input.assignee);
    if (!assignee) throw new DomainError('validation', 'Den du vil tildele saken til, er ikke medlem av teamet.');
    return c.service.assign({ ticketId: input.ticketId, actor: member, assignee, expectedVersion: input.version });
  });
}
