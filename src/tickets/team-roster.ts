/**
 * The team roster port: who is on a team, as the ticket commands ask it. Authorisation of the
 * team's ticket verbs rests on it: a member of the team the ticket lives in may act on it. The
 * Teams adapters (src/bot/roster.ts for a turn, src/bot/team-directory.ts for the tab) implement
 * it; a roster that cannot be read is an 'unavailable' refusal, never "not a member".
 */
import { DomainError } from '../domain-error.js';
import type { Actor, Ticket } from './model.js';

/** How the roster knows a person: the Teams user id (29:…) and/or the AAD object id. */
export interface RosterUser {
  id?: string;
  aadObjectId?: string;
}

export interface Member {
  /** Teams user id (29:…), used for card refresh. */
  id: string;
  aadObjectId?: string;
  name: string;
  /** As the roster reports it (user, guest, owner where the service says so). */
  userRole?: string;
}

export interface TeamRoster {
  /**
   * The member record of `user` on `teamId`; undefined when not on it, or when there is no team
   * (a ticket that has not reached a channel). Throws RosterUnavailableError when it cannot be read.
   */
  member(teamId: string | undefined, user: RosterUser): Promise<Member | undefined>;
  /** Everyone on `teamId` (throws RosterUnavailableError when it cannot be read). */
  members(teamId: string): Promise<Member[]>;
}

/** The roster could not be read now; `reason` is the underlying error's message (for the log). */
export class RosterUnavailableError extends DomainError {
  constructor(readonly reason: string) {
    super('unavailable', 'Kunne ikke lese teamets medlemsliste. Prøv igjen om litt.');
    this.name = 'RosterUnavailableError';
  }
}

/** The actor is not on the ticket's team (`teamId` undefined: the ticket and the request name no team). */
export class NotTeamMemberError extends DomainError {
  constructor(readonly ticketId: string, readonly teamId: string | undefined) {
    super('forbidden', 'Bare medlemmer av teamet saken ligger i kan gjøre dette.');
    this.name = 'NotTeamMemberError';
  }
}

/**
 * Who asks for a command, as the edge knows them: `id` is the id tickets record (AAD object id
 * where known), `roster` how the roster knows them, `name` the display name the edge has, and
 * `teamId` the team the request comes from (a channel's team), if any.
 */
export interface CommandActor {
  id: string;
  name: string;
  roster: RosterUser;
  teamId?: string;
}

declare const verified: unique symbol;
/** An actor the roster has confirmed as a member of the ticket's team; only teamMemberOf makes one. */
export type TeamMember = Actor & { readonly [verified]: true };

/** The member record of `user` in a team's list (matched by AAD object id or Teams id). */
export function findMember<M extends Member>(list: M[], user: RosterUser): M | undefined {
  return list.find((m) => (user.aadObjectId && m.aadObjectId === user.aadObjectId) || (user.id && m.id === user.id));
}

/** The id a member is recorded and assigned under: the AAD object id where the roster has it. */
export const memberId = (m: Member): string => m.aadObjectId ?? m.id;

/** Wraps a roster read: any failure becomes RosterUnavailableError (a DomainError passes as it is). */
export async function readRoster<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new RosterUnavailableError((err as Error).message);
  }
}

/**
 * The actor as a member of the ticket's team (its channel's team, else the team the request came
 * from), named as the roster names them; undefined when not on it. Throws when the roster cannot be read.
 */
export async function teamMemberOf(roster: TeamRoster, ticket: Ticket, actor: CommandActor): Promise<TeamMember | undefined> {
  const m = await readRoster(() => roster.member(ticket.channel?.teamId ?? actor.teamId, actor.roster));
  return m ? ({ id: actor.id, name: m.name } as TeamMember) : undefined;
}

/**
 * The colleague a ticket is assigned to, as a member of the ticket's team (its channel's team),
 * looked up by their AAD object id or Teams id; undefined when not on it.
 */
export async function assigneeOf(roster: TeamRoster, ticket: Ticket, assignee: string): Promise<TeamMember | undefined> {
  const m = await readRoster(() => roster.member(ticket.channel?.teamId, { id: assignee, aadObjectId: assignee }));
  return m ? ({ id: memberId(m), name: m.name } as TeamMember) : undefined;
}

/** teamMemberOf, refusing a non-member with NotTeamMemberError. */
export async function requireTeamMember(roster: TeamRoster, ticket: Ticket, actor: CommandActor): Promise<TeamMember> {
  const m = await teamMemberOf(roster, ticket, actor);
  if (!m) throw new NotTeamMemberError(ticket.id, ticket.channel?.teamId ?? actor.teamId);
  return m;
}
