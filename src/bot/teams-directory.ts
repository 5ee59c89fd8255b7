/**
 * The booking Directory port for Teams: a person's e-mail address from the Teams roster
 * (Turn.member, i.e. TeamsInfo.getMember), read in the turn the person acts in. The only place
 * the booking side asks Teams who someone is.
 */
import { normalEmail, type Directory } from '../booking/directory.js';
import type { Turn } from './turn.js';

/** A Directory for one turn: the acting user is looked up by their Teams id, anyone else by the id given. */
export function teamsDirectory(turn: Turn): Directory {
  return {
    async emailOf(actor) {
      const isActing = actor.id === (turn.actor.aadObjectId ?? turn.actor.id);
      const id = isActing ? turn.actor.id : actor.id;
      if (!id) throw new TypeError('the activity names no Teams user');
      const m = await turn.member(id);
      return normalEmail(m.email ?? m.userPrincipalName);
    },
  };
}
