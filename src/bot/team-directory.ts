/**
 * Team membership for requests that do not come through the bot (the tab): the bot reads the
 * roster of each team that has an escalation channel, proactively through the stored
 * conversation reference, with the same cache as the card actions. It is the tab's TeamRoster
 * port (src/tickets/team-roster.ts), so the tab's authorisation is the card's: a member of the
 * ticket's team may act on it.
 */
import type { EscalationChannel, Store } from '../store/store.js';
import type { TeamMembership } from '../tab/auth.js';
import { findMember, readRoster, type RosterUser, type TeamRoster } from '../tickets/team-roster.js';
import type { Roster, RosterMember } from './roster.js';
import type { ProactiveTurns } from './turn.js';

export class TeamDirectory implements TeamRoster {
  constructor(private readonly d: { turns: ProactiveTurns; store: Store; roster: Roster }) {}

  /** The roster of a team, read through one of its escalation channels' stored references (a failed read is RosterUnavailableError). */
  async members(teamId: string, channels?: EscalationChannel[]): Promise<RosterMember[]> {
    return readRoster(() => this.read(teamId, channels));
  }

  private async read(teamId: string, channels?: EscalationChannel[]): Promise<RosterMember[]> {
    const channel = (channels ?? (await this.d.store.listEscalationChannels())).find((c) => c.teamId === teamId);
    const ref = channel ? await this.d.store.getConversation(channel.conversationKey) : undefined;
    if (!ref) return [];
    let members: RosterMember[] = [];
    await this.d.turns.continueConversation(ref.reference, async (turn) => {
      members = await this.d.roster.members(turn, teamId);
    });
    return members;
  }

  /** The port's lookup: by Teams id or AAD object id; a failed read is RosterUnavailableError. */
  async member(teamId: string | undefined, user: RosterUser): Promise<RosterMember | undefined> {
    if (!teamId) return undefined;
    return findMember(await this.members(teamId), user);
  }

  async isMember(teamId: string, userId: string, channels?: EscalationChannel[]): Promise<RosterMember | undefined> {
    return findMember(await this.members(teamId, channels), { id: userId, aadObjectId: userId });
  }

  /** Membership across all teams that receive tickets. */
  async membership(userId: string): Promise<TeamMembership> {
    const channels = await this.d.store.listEscalationChannels();
    const teamIds = [...new Set(channels.map((c) => c.teamId))];
    const result: TeamMembership = { member: false, owner: false, teamIds: [] };
    for (const teamId of teamIds) {
      const m = await this.isMember(teamId, userId, channels);
      if (!m) continue;
      result.member = true;
      result.teamIds.push(teamId);
      if (m.userRole?.toLowerCase() === 'owner') result.owner = true;
    }
    return result;
  }
}
