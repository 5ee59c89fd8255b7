/** Command: the counsellor declines a requested talk with a reason; the time is free again. */
import type { Booking } from '../model.js';
import { loadTalk, type Actor, type BookingCommandDeps, type TalkRef } from './actor.js';

export async function declineTalk(d: Pick<BookingCommandDeps, 'service' | 'store'>, input: TalkRef & { reason: string }, actor: Actor): Promise<Booking> {
  const b = await loadTalk(d.store, input.bookingId);
  return d.service.decline({ bookingId: b.id, actor: { id: actor.id, name: actor.name, mailbox: actor.mailbox }, reason: input.reason, expectedVersion: input.expectedVersion });
}
