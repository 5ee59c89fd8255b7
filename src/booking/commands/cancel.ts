/**
 * Command: either side cancels a talk (held, proposed or confirmed); a calendar event is cancelled
 * with the comment, and the other side is told. The bot's «Avlys» and the tab's «Avlys» both come here.
 */
import type { Booking } from '../model.js';
import { type Actor, type BookingCommandDeps, type TalkRef } from './actor.js';

export async function cancelTalk(d: Pick<BookingCommandDeps, 'service' | 'store'>, input: TalkRef & { comment?: string }, actor: Actor): Promise<Booking> {
  return d.service.cancel({ bookingId: input.bookingId, actor, comment: input.comment ?? '', expectedVersion: input.expectedVersion });
}
