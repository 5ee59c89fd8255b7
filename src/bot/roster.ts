/**
 * Who is on a team, from the real roster (read through a Turn: TeamsInfo), cached for a short
 * time. Authorisation of ticket actions rests on this: forTurn() is the TeamRoster port
 * (src/tickets/team-roster.ts) the ticket commands check a card action against, read within the
 * turn it came in.
 */
import { findMember, readRoster, type Member, type TeamRoster } from '../tickets/team-roster.js';
import type { Turn } from './turn.js';

export type RosterMember = Member;
/** Where a roster is read: a turn (an incoming activity, or a proactive turn of the bot's own). */
export type RosterSource = Pick<Turn, 'teamMembers'>;

export class Roster {
  private readonly cache = new Map<string, { at: number; members: RosterMember[] }>();
  constructor(private readonly ttlMs = 5 * 60_000, private readonly now: () => number = Date.now) {}

  async members(turn: RosterSource, teamId: string): Promise<RosterMember[]> {
    const hit = this.cache.get(teamId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.members;
    const members = await turn.teamMembers(teamId);
    this.cache.set(teamId, { at: this.now(), members });
    return members;
  }

  /** The member record of the acting user, or undefined if not on the team (or the roster cannot be read). */
  async member(turn: RosterSource, teamId: string, user: { id?: string; aadObjectId?: string }): Promise<RosterMember | undefined> {
    return findMember(await this.members(turn, teamId), user);
  }

  /** The TeamRoster port for one turn: reads the roster through this turn's connection (cached); a failed read is RosterUnavailableError. */
  forTurn(turn: RosterSource): TeamRoster {
    return {
      member: (teamId, user) => (teamId ? readRoster(() => this.member(turn, teamId, user)) : Promise.resolve(undefined)),
      members: (teamId) => readRoster(() => this.members(turn, teamId)),
    };
  }

  /** Teams user ids known for a team right now (for Universal Actions refresh; at most 60). */
  cachedIds(teamId: string): string[] {
    return (this.cache.get(teamId)?.members ?? []).map((m) => m.id).slice(0, 60);
  }

  /** Members known for a team right now, as {id, name} for the "Tildel til …" choice. */
  cachedMembers(teamId: string): { id: string; name: string }[] {
    return (this.cache.get(teamId)?.members ?? []).map((m) => ({ id: m.aadObjectId ?? m.id, name: m.name }));
  }

  forget(teamId: string): void {
    this.cache.delete(teamId);
  }
}
