/**
 * An iCalendar (.ics) file for a confirmed talk, for a bruker without Teams: times in UTC, lines
 * folded at 75 octets and ended with CRLF (RFC 5545). The link carries an HMAC of the booking id,
 * so only someone who was given the link can fetch it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Booking } from './model.js';
import { isDemoJoinUrl } from '../calendar/embedded-calendar.js';
import { bookingTexts } from '../text/booking.nb.js';

const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
const stamp = (iso: string): string => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function fold(line: string): string {
  const out: string[] = [];
  let cur = '';
  for (const ch of line) {
    if (Buffer.byteLength(cur + ch, 'utf8') > 75) {
      out.push(cur);
      cur = ` ${ch}`;
    } else cur += ch;
  }
  out.push(cur);
  return out.join('\r\n');
}

export function bookingIcs(b: Booking, now: Date): string {
  // The embedded (demo) calendar's join link opens no meeting: the file does not pretend it does.
  const joinUrl = isDemoJoinUrl(b.event?.joinUrl) ? undefined : b.event?.joinUrl;
  const where = b.format === 'inPerson' ? b.place ?? '' : b.format === 'phone' ? bookingTexts.invitation.icsPhone : joinUrl ?? bookingTexts.invitation.icsTeams;
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Veiviser//Trepartssamtale//NB', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${b.id}@veiviser`,
    `DTSTAMP:${stamp(now.toISOString())}`,
    `DTSTART:${stamp(b.start)}`,
    `DTEND:${stamp(b.end)}`,
    `SUMMARY:${bookingTexts.invitation.subject}`,
    `LOCATION:${esc(where)}`,
    ...(joinUrl ? [`URL:${joinUrl}`] : []),
    `DESCRIPTION:${esc(bookingTexts.invitation.icsDescription)}`,
    b.state === 'avlyst' ? 'STATUS:CANCELLED' : 'STATUS:CONFIRMED',
    'END:VEVENT', 'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

export function icsSignature(secret: string, bookingId: string): string {
  return createHmac('sha256', secret).update(`ics:${bookingId}`).digest('base64url').slice(0, 32);
}

export function verifyIcsSignature(secret: string, bookingId: string, sig: string): boolean {
  const want = Buffer.from(icsSignature(secret, bookingId));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}
