/** Command: the counsellor declines a requested talk with a reason; the time is free again. */
import type { Booking } from '../model.js';
import { type Actor, type BookingCommandDeps, type TalkRef } from './actor.js';

export async function declineTalk(d: Pick<BookingCommandDeps, 'service' | 'store'>, input: TalkRef & { reason: string }, actor: Actor): Promise<Booking> {
  return d.service.decline({ bookingId: input.bookingId, actor, reason: input.reason, expectedVersion: input.expectedVersion });
}
