/** Command: the counsellor accepts a requested talk (the calendar event is created once; both sides are told). */
import type { Booking } from '../model.js';
import { type Actor, type BookingCommandDeps, type TalkRef } from './actor.js';

export async function acceptTalk(d: Pick<BookingCommandDeps, 'service' | 'store'>, input: TalkRef, actor: Actor): Promise<Booking> {
  return d.service.accept({ bookingId: input.bookingId, actor, expectedVersion: input.expectedVersion });
}
