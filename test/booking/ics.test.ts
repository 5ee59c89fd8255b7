import assert from 'node:assert/strict';
import { bookingIcs, icsSignature, verifyIcsSignature } from '../../src/booking/ics.js';
import type { Booking } from '../../src/booking/model.js';
import { DEMO_JOIN_URL_PREFIX } from '../../src/calendar/embedded-calendar.js';

const b = {
  id: 'TS-2026-0007', state: 'bekreftet', start: '2026-03-30T06:00:00.000Z', end: '2026-03-30T06:45:00.000Z', format: 'inPerson',
  place: 'Karrieresenteret i Fjordvik, Strandgata 1; 2. etasje', event: { id: 'e' },
} as unknown as Booking;

describe('.ics file for a bruker without Teams', () => {
  it('is valid iCalendar: UTC times, CRLF, folded lines of at most 75 octets, escaped text', () => {
    const ics = bookingIcs(b, new Date('2026-03-20T10:00:00Z'));
    assert.ok(ics.endsWith('\r\n'));
    assert.ok(!/[^\r]\n/.test(ics), 'every line ends with CRLF');
    for (const line of ics.split('\r\n')) assert.ok(Buffer.byteLength(line, 'utf8') <= 75, line);
    assert.match(ics, /DTSTART:20260330T060000Z/);
    assert.match(ics, /DTEND:20260330T064500Z/);
    assert.match(ics.replace(/\r\n /g, ''), /LOCATION:Karrieresenteret i Fjordvik\\, Strandgata 1\\; 2\. etasje/);
    assert.match(ics, /BEGIN:VEVENT[\s\S]*END:VEVENT/);
  });

  it('signs links so that only a given link opens the file', () => {
    const sig = icsSignature('hemmelig', 'TS-2026-0007');
    assert.equal(verifyIcsSignature('hemmelig', 'TS-2026-0007', sig), true);
    assert.equal(verifyIcsSignature('hemmelig', 'TS-2026-0008', sig), false);
    assert.equal(verifyIcsSignature('annen', 'TS-2026-0007', sig), false);
    assert.equal(verifyIcsSignature('hemmelig', 'TS-2026-0007', 'x'), false);
  });

  it('a Teams talk carries the real join link, and never the embedded calendar\'s demo link', () => {
    const real = { ...b, format: 'teams', event: { id: 'e', joinUrl: 'https://teams.microsoft.com/l/meetup-join/abc' } } as unknown as Booking;
    const realIcs = bookingIcs(real, new Date('2026-03-20T10:00:00Z')).replace(/\r\n /g, '');
    assert.match(realIcs, /URL:https:\/\/teams\.microsoft\.com\/l\/meetup-join\/abc/);
    assert.match(realIcs, /LOCATION:https:\/\/teams\.microsoft\.com/);
    const demo = { ...b, format: 'teams', event: { id: 'e', joinUrl: `${DEMO_JOIN_URL_PREFIX}xyz` } } as unknown as Booking;
    const demoIcs = bookingIcs(demo, new Date('2026-03-20T10:00:00Z')).replace(/\r\n /g, '');
    assert.ok(!demoIcs.includes(DEMO_JOIN_URL_PREFIX));
    assert.ok(!/^URL:/m.test(demoIcs));
    assert.match(demoIcs, /LOCATION:Teams/);
  });
});
