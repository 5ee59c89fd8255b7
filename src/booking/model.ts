/**
 * A three-way talk (veileder + bruker + county counsellor): requested from concrete slots,
 * held while the counsellor decides, then confirmed as a calendar event — or declined,
 * moved to a proposed time, cancelled, or expired. No personal data beyond what the talk
 * needs: the bruker is an alias or initials; an e-mail only with consent, for the invitation.
 */

export const BOOKING_STATES = ['holdt', 'foreslatt', 'bekreftet', 'avslatt', 'utlopt', 'avlyst'] as const;
export type BookingState = (typeof BOOKING_STATES)[number];
/** States that occupy the counsellor's time (no one else is offered it). */
export const ACTIVE_BOOKING_STATES: BookingState[] = ['holdt', 'foreslatt', 'bekreftet'];

import type { TalkFormat } from './counsellors.js';

export { FORMATS, type TalkFormat } from './counsellors.js';

export interface BookingActor { id: string; name: string }

export interface BookingEvent {
  at: string;
  actor: BookingActor;
  action: 'forespurt' | 'bekreftet' | 'avslatt' | 'foreslatt' | 'forslag-godtatt' | 'utlopt' | 'avlyst' | 'paminnelse' | 'flyttet';
  note?: string;
}

export interface Booking {
  /** TS-2026-0001: sequential per year. */
  id: string;
  year: number;
  number: number;
  version: number;
  state: BookingState;
  counsellor: { mailbox: string; name: string };
  /** ISO instants (UTC). */
  start: string;
  end: string;
  format: TalkFormat;
  /** Office and address for an in-person talk. */
  place?: string;
  topic: string;
  interpreterLanguage?: string;
  /** The bruker decides whether the veileder joins. */
  veilederJoins: boolean;
  /** Alias or initials, never a full name. */
  brukerAlias: string;
  /** Only with the bruker's consent, used only for the invitation. */
  brukerEmail?: string;
  veileder: BookingActor & { email?: string; conversationKey: string };
  /** Until when the slot is held for the counsellor's answer. */
  holdUntil: string;
  /** Idempotency key of the calendar event. */
  transactionId: string;
  event?: { id: string; joinUrl?: string; webLink?: string };
  declineReason?: string;
  proposed?: { start: string; end: string };
  /** Who proposed the new time (the other side accepts it). */
  proposedBy?: 'veileder' | 'counsellor';
  reminderSentAt?: string;
  history: BookingEvent[];
  createdAt: string;
  updatedAt: string;
}

/** What a veileder fills in on the booking form: the talk they want, before a time is chosen. */
export interface BookingDraft {
  /** Initials or a nickname, never a full name. */
  brukerAlias: string;
  region?: string;
  format: TalkFormat;
  topic: string;
  /** Minutes. */
  duration: number;
  interpreterLanguage?: string;
  timeOfDay: 'any' | 'morning' | 'afternoon';
  veilederJoins: boolean;
  brukerEmail?: string;
}

export function formatBookingId(year: number, n: number): string {
  return `TS-${year}-${String(n).padStart(4, '0')}`;
}

/** Who a talk's two sides are: its veileder (by id) and its counsellor (by the mailbox the actor is linked to). */
export const isVeilederOf = (b: Booking, a: { id: string }): boolean => b.veileder.id === a.id;
export const isCounsellorOf = (b: Booking, a: { mailbox?: string }): boolean => Boolean(a.mailbox) && a.mailbox!.toLowerCase() === b.counsellor.mailbox.toLowerCase();
