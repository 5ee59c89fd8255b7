/**
 * Command: the other side accepts a proposed time — the veileder when the counsellor proposed it,
 * the counsellor when the veileder did. The talk is booked (or moved) to that time.
 */
import type { Booking } from '../model.js';
import { type Actor, type BookingCommandDeps, type TalkRef } from './actor.js';

export async function acceptProposal(d: Pick<BookingCommandDeps, 'service' | 'store'>, input: TalkRef, actor: Actor): Promise<Booking> {
  return d.service.acceptProposal({ bookingId: input.bookingId, actor, expectedVersion: input.expectedVersion });
}
