/**
 * What every ticket command shares, written once: its dependencies (the service, the store, the
 * team roster, the hooks after a change) and the steps around a verb — load the ticket or refuse
 * with not-found, establish the actor as a member of the ticket's team from the roster, and after
 * a change deliver its announcements at once (and rebuild the FAQ index after a saved answer).
 */
import { DomainError } from '../../domain-error.js';
import type { Store } from '../../store/store.js';
import type { Actor, Ticket } from '../model.js';
import { requireTeamMember, type CommandActor, type TeamMember, type TeamRoster } from '../team-roster.js';
import type { TicketService } from '../ticket-service.js';

export interface CommandDeps {
  service: TicketService;
  store: Store;
  /** After a change that produced outbox messages, so they go out at once. */
  kickOutbox?: () => void;
  /** After an answer was saved as a FAQ entry (the FAQ index is rebuilt). */
  onFaqSaved?: () => void;
  clock?: () => Date;
  /** Where a roster that could not be warmed is noted (create). */
  log?: { warn: (o: object) => void };
}

/** The dependencies with the roster this request is checked against (the bot's is bound to its turn). */
export interface CommandContext extends CommandDeps {
  roster: TeamRoster;
}

/** A verb on an existing ticket: which ticket, and the version the actor was shown. */
export interface TicketRef {
  ticketId: string;
  version: number;
}

/** The ticket, or DomainError('not-found'). */
export async function loadTicket(c: CommandContext, ticketId: string): Promise<Ticket> {
  const t = await c.store.getTicket(ticketId);
  if (!t) throw new DomainError('not-found', 'Fant ikke saken.');
  return t;
}

/**
 * A team verb: loads the ticket, refuses anyone the roster does not list on its team (and says
 * so when the roster cannot be read), runs the change and delivers its announcements.
 */
export async function teamVerb(c: CommandContext, actor: CommandActor, ref: TicketRef, change: (member: TeamMember, ticket: Ticket) => Promise<Ticket>): Promise<Ticket> {
  const ticket = await loadTicket(c, ref.ticketId);
  const member = await requireTeamMember(c.roster, ticket, actor);
  const next = await change(member, ticket);
  c.kickOutbox?.();
  return next;
}

/** A veileder verb: loads the ticket and runs the change (the service lets only the requester do it). */
export async function veilederVerb(c: CommandContext, actor: Actor, ref: TicketRef, change: (actor: Actor) => Promise<Ticket>): Promise<Ticket> {
  await loadTicket(c, ref.ticketId);
  const next = await change({ id: actor.id, name: actor.name });
  c.kickOutbox?.();
  return next;
}
