/** The one rule both store adapters apply inside their write: no two active bookings of a counsellor overlap. */
import { ACTIVE_BOOKING_STATES, type Booking } from '../booking/model.js';

/** An active booking of the same counsellor overlapping b's time (± buffer), other than b itself. */
export function bookingConflict(existing: Iterable<Booking>, b: Booking, bufferMs: number): Booking | undefined {
  const times = (x: Booking): { s: number; e: number }[] => [
    { s: Date.parse(x.start), e: Date.parse(x.end) },
    ...(x.proposed ? [{ s: Date.parse(x.proposed.start), e: Date.parse(x.proposed.end) }] : []),
  ];
  const mine = times(b);
  for (const o of existing) {
    if (o.id === b.id || !ACTIVE_BOOKING_STATES.includes(o.state)) continue;
    if (o.counsellor.mailbox.toLowerCase() !== b.counsellor.mailbox.toLowerCase()) continue;
    if (times(o).some((t) => mine.some((m) => t.s - bufferMs < m.e && t.e + bufferMs > m.s))) return o;
  }
  return undefined;
}
