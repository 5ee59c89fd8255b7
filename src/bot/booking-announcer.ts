/**
 * Turns a booking change into the outbox messages that tell people about it: who is told what,
 * each with the talk's card as that side sees it (the counsellor in the chat linked with «jeg er
 * rådgiver …», the veileder in the chat the request came from). Written in the same durable write
 * as the change (BookingService → Store.createBooking/updateBooking).
 */
import { randomUUID } from 'node:crypto';
import type { Booking, BookingEvent } from '../booking/model.js';
import type { OutboxMessage } from '../outbox/types.js';
import { bookingTexts } from '../text/booking.nb.js';
import { bookingCard } from './booking-cards.js';
import { adaptiveCardAttachment } from './cards.js';

/** The stored conversation of the Teams user linked to a counsellor's mailbox. */
export const counsellorKey = (mailbox: string): string => `counsellor:${mailbox.toLowerCase()}`;

const card = adaptiveCardAttachment;

/** Outbox messages for a booking change: who is told what. */
export function makeBookingAnnouncer(deps: { icsUrl?: (b: Booking) => string }) {
  return (b: Booking, e: BookingEvent): OutboxMessage[] => {
    // The outbox runs on the wall clock, whatever clock the booking rules are given.
    const at = new Date().toISOString();
    const msg = (conversationKey: string, view: 'veileder' | 'counsellor', text: string): OutboxMessage => ({
      id: randomUUID(), createdAt: at, kind: 'post', conversationKey, status: 'pending', attempts: 0, nextAttemptAt: at,
      activity: { type: 'message', text, attachments: [card(bookingCard(b, { view, icsUrl: deps.icsUrl?.(b) }))] },
    });
    const toCounsellor = counsellorKey(b.counsellor.mailbox);
    const say = bookingTexts.announce;
    switch (e.action) {
      case 'forespurt': return [msg(toCounsellor, 'counsellor', say.requested(b.veileder.name))];
      case 'bekreftet':
      case 'forslag-godtatt': return [msg(b.veileder.conversationKey, 'veileder', say.confirmedVeileder(b.id)), msg(toCounsellor, 'counsellor', say.confirmedCounsellor(b.id))];
      case 'avslatt': return [msg(b.veileder.conversationKey, 'veileder', say.declined(b.counsellor.name, b.declineReason))];
      case 'foreslatt': return b.proposedBy === 'veileder'
        ? [msg(toCounsellor, 'counsellor', say.proposedByVeileder(b.veileder.name, b.id))]
        : [msg(b.veileder.conversationKey, 'veileder', say.proposedByCounsellor(b.counsellor.name))];
      case 'utlopt': return [msg(b.veileder.conversationKey, 'veileder', say.expired(b.counsellor.name))];
      // The veileder is offered new times on the card (bookingRetry) when the counsellor cancelled.
      case 'avlyst': return [e.actor.id === b.veileder.id ? msg(toCounsellor, 'counsellor', say.cancelledByVeileder(b.veileder.name, b.id)) : msg(b.veileder.conversationKey, 'veileder', say.cancelledByCounsellor(b.counsellor.name, b.id))];
      case 'flyttet': return [msg(b.veileder.conversationKey, 'veileder', say.moved(b.counsellor.name, b.id))];
      case 'paminnelse': return [msg(b.veileder.conversationKey, 'veileder', say.reminder(b.id))];
      default: return [];
    }
  };
}
