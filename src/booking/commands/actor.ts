/**
 * What every booking command shares: who acts (an actor as the edge establishes it), what a
 * command needs (the booking rules and the store to read from), and the rules for who may act on
 * a talk — its veileder, its counsellor. The texts are the ones BookingService uses, so a refusal
 * reads the same whichever check makes it.
 */
import type { Calendar } from '../../calendar/calendar.js';
import { DomainError } from '../../domain-error.js';
import type { Store } from '../../store/store.js';
import type { BookingService } from '../booking-service.js';
import type { Counsellor } from '../counsellors.js';
import type { Booking } from '../model.js';
import type { SuggestRules } from '../suggest.js';

/**
 * The person acting. `mailbox`: the counsellor mailbox this user is linked to, if any (the edge
 * decides: in Teams, the chat linked with «jeg er rådgiver …»). `email`: their own address, when
 * the directory told it (the veileder is invited by it).
 */
export interface Actor {
  id: string;
  name: string;
  mailbox?: string;
  email?: string;
}

/** Everything a booking command may need; each command takes only the part it uses. */
export interface BookingCommandDeps {
  service: BookingService;
  store: Pick<Store, 'getBooking' | 'listBookings'>;
  counsellors: Counsellor[];
  calendar: Calendar;
  rules: SuggestRules;
  clock: () => Date;
}

/** A talk's id and the version the actor was shown (a change since then is refused as stale). */
export interface TalkRef {
  bookingId: string;
  expectedVersion: number;
}

export const NOT_FOUND = 'Fant ikke samtalen.';

export async function loadTalk(store: Pick<Store, 'getBooking'>, id: string): Promise<Booking> {
  const b = await store.getBooking(id);
  if (!b) throw new DomainError('not-found', NOT_FOUND);
  return b;
}

export const isVeilederOf = (b: Booking, a: Actor): boolean => b.veileder.id === a.id;
export const isCounsellorOf = (b: Booking, a: Actor): boolean => Boolean(a.mailbox) && a.mailbox!.toLowerCase() === b.counsellor.mailbox.toLowerCase();

/** Only the talk's counsellor answers a request (accept, decline). */
export function mustBeCounsellor(b: Booking, a: Actor): void {
  if (!isCounsellorOf(b, a)) throw new DomainError('forbidden', 'Bare rådgiveren forespørselen gjelder kan svare på den.');
}

/** The talk's two sides: the veileder who asked and the counsellor. */
export function mustBeEitherSide(b: Booking, a: Actor, what: string): void {
  if (!isVeilederOf(b, a) && !isCounsellorOf(b, a)) throw new DomainError('forbidden', `Bare veilederen eller rådgiveren kan ${what}.`);
}
