/**
 * What every booking command shares: who acts (an actor as the edge establishes it), what a
 * command needs (the booking rules and the store to read from), and the talk's two sides. Who may
 * do what to a talk is BookingService's rule, checked there once; a command checks here only what
 * must come before its own work (propose: before it reads the date).
 */
import type { Calendar } from '../../calendar/calendar.js';
import { DomainError } from '../../domain-error.js';
import type { Store } from '../../store/store.js';
import type { BookingService } from '../booking-service.js';
import type { Counsellor } from '../counsellors.js';
import { isCounsellorOf, isVeilederOf, type Booking } from '../model.js';
import type { SuggestRules } from '../suggest.js';
import { bookingTexts } from '../../text/booking.nb.js';

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

export const NOT_FOUND = bookingTexts.notFound;

/** The talk, for a command that needs it before BookingService does (propose: the talk's length). */
export async function loadTalk(store: Pick<Store, 'getBooking'>, id: string): Promise<Booking> {
  const b = await store.getBooking(id);
  if (!b) throw new DomainError('not-found', NOT_FOUND);
  return b;
}


/** The talk's two sides: the veileder who asked and the counsellor. */
export function mustBeEitherSide(b: Booking, a: Actor, what: string): void {
  if (!isVeilederOf(b, a) && !isCounsellorOf(b, a)) throw new DomainError('forbidden', `Bare veilederen eller rådgiveren kan ${what}.`);
}
