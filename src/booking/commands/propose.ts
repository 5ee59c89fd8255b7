/**
 * Command: another time for a talk, as a local date and time in Oslo — the counsellor for a new
 * request or a confirmed talk, the veileder for a confirmed talk (a move). The talk keeps its
 * length; the other side accepts the proposal.
 */
import { DateTime } from 'luxon';
import { DomainError } from '../../domain-error.js';
import type { Booking } from '../model.js';
import { ZONE } from '../slot-finder.js';
import { loadTalk, mustBeEitherSide, type Actor, type BookingCommandDeps, type TalkRef } from './actor.js';

export interface ProposeInput extends TalkRef {
  /** YYYY-MM-DD in Oslo. */
  date: string;
  /** HH:mm in Oslo. */
  time: string;
}

export async function proposeTime(d: Pick<BookingCommandDeps, 'service' | 'store'>, input: ProposeInput, actor: Actor): Promise<Booking> {
  const b = await loadTalk(d.store, input.bookingId);
  mustBeEitherSide(b, actor, 'foreslå et nytt tidspunkt');
  const start = DateTime.fromISO(`${input.date}T${input.time}`, { zone: ZONE });
  if (!start.isValid) throw new DomainError('validation', 'Ugyldig tidspunkt.');
  const minutes = (Date.parse(b.end) - Date.parse(b.start)) / 60_000;
  return d.service.propose({ bookingId: b.id, actor, start: start.toJSDate(), end: start.plus({ minutes }).toJSDate(), expectedVersion: input.expectedVersion });
}
