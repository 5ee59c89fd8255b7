/**
 * Who is on a team, from the real roster (TeamsInfo), cached for a short time. Authorisation of
 * ticket actions rests on this: forTurn() is the TeamRoster port (src/tickets/team-roster.ts) the
 * ticket commands check a card action against, read within the turn it came in.
 */
import { TeamsInfo, type TurnContext } from 'botbuilder';
import { findMember, readRoster, type Member, type TeamRoster } from '../tickets/team-roster.js';

export type RosterMember = Member;

export class Roster {
  private readonly cache = new Map<string, { at: number; members: RosterMember[] }>();
  constructor(private readonly ttlMs = 5 * 60_000, private readonly now: () => number = Date.now) {}

  async members(ctx: TurnContext, teamId: string): Promise<RosterMember[]> {
    const hit = this.cache.get(teamId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.members;
    const members: RosterMember[] = [];
    let token: string | undefined;
    for (let page = 0; page < 100; page++) {
      const r = await TeamsInfo.getPagedTeamMembers(ctx, teamId, 200, token);
      for (const m of r.members ?? []) members.push({ id: m.id, aadObjectId: m.aadObjectId, name: m.name ?? m.givenName ?? 'Ukjent', userRole: (m as { userRole?: string }).userRole });
      token = r.continuationToken ?? undefined;
      if (!token) break;
    }
    this.cache.set(teamId, { at: this.now(), members });
    return members;
  }

  /** The member record of the acting user, or undefined if not on the team (or the roster cannot be read). */
  async member(ctx: TurnContext, teamId: string, user: { id?: string; aadObjectId?: string }): Promise<RosterMember | undefined> {
    return findMember(await this.members(ctx, teamId), user);
  }

  /** The TeamRoster port for one turn: reads the roster through this turn's connection (cached); a failed read is RosterUnavailableError. */
  forTurn(ctx: TurnContext): TeamRoster {
    return {
      member: (teamId, user) => (teamId ? readRoster(() => this.member(ctx, teamId, user)) : Promise.resolve(undefined)),
      members: (teamId) => readRoster(() => this.members(ctx, teamId)),
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
