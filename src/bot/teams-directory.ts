/**
 * The booking Directory port for Teams: a person's e-mail address from the Teams roster
 * (TeamsInfo.getMember), read in the turn the person acts in. The only place the booking side
 * asks Teams who someone is.
 */
import { TeamsInfo, type TurnContext } from 'botbuilder';
import { normalEmail, type Directory } from '../booking/directory.js';

/** A Directory for one turn: the acting user is looked up by their Teams id, anyone else by the id given. */
export function teamsDirectory(ctx: TurnContext): Directory {
  return {
    async emailOf(actor) {
      const from = ctx.activity.from;
      const isActing = actor.id === (from?.aadObjectId ?? from?.id);
      const m = await TeamsInfo.getMember(ctx, isActing ? from.id : actor.id);
      return normalEmail(m.email ?? m.userPrincipalName);
    },
  };
}
