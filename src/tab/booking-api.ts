/**
 * The tab's booking actions (/api/tab/bookings/:id…): a veileder looks at one of their own talks
 * and cancels it — through the same cancel command as the bot's «Avlys», so the same rules, the
 * same history entry and the same message to the counsellor. Behind the tab's sign-in check
 * (api.ts passes it in); a refusal becomes a status: 400 input, 403 not theirs, 404 no such talk,
 * 409 changed or no longer open (with the talk as it is now).
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BookingService } from '../booking/booking-service.js';
import { NOT_FOUND } from '../booking/commands/actor.js';
import { cancelTalk } from '../booking/commands/cancel.js';
import { topicLabel } from '../booking/counsellors.js';
import { ACTIVE_BOOKING_STATES, isVeilederOf, type Booking } from '../booking/model.js';
import { DomainError, HTTP_STATUS } from '../domain-error.js';
import type { Store } from '../store/store.js';
import type { TabUser } from './auth.js';
import { tabTexts } from '../text/tab.nb.js';

export interface BookingApiDeps {
  /** The tab's sign-in check (api.ts): sets req.user, or answers 401/403 itself. */
  signedIn: RequestHandler;
  service: BookingService;
  store: Pick<Store, 'getBooking' | 'listBookings'>;
  log: Logger;
  /** After a change: deliver its announcements now. */
  kick: () => void;
}

const Id = z.string().regex(/^TS-\d{4}-\d{4,6}$/);
const CancelBody = z.object({ expectedVersion: z.number().int().min(1), comment: z.string().max(500).optional() });

/** What every list of talks in the tab shows of one: when, with whom, how, about what. */
export function talkFields(b: Booking) {
  return { id: b.id, state: b.state, counsellor: b.counsellor.name, start: b.start, end: b.end, format: b.format, place: b.place, topic: topicLabel(b.topic) };
}

/** One talk as the veileder's list shows it, with the version to act on. */
export function talkRow(b: Booking) {
  return { ...talkFields(b), version: b.version, canCancel: ACTIVE_BOOKING_STATES.includes(b.state) };
}

const userOf = (req: Request): TabUser => (req as Request & { user: TabUser }).user;

export function createBookingApi(d: BookingApiDeps): express.Router {
  const r = express.Router();
  const json = express.json({ limit: '8kb' });

  // One of the user's own talks (someone else's is not found: its existence is not told).
  r.get('/api/tab/bookings/:id', d.signedIn, async (req: Request, res: Response) => {
    const id = Id.safeParse(req.params.id);
    const b = id.success ? await d.store.getBooking(id.data) : undefined;
    if (!b || !isVeilederOf(b, userOf(req))) {
      res.status(404).json({ error: NOT_FOUND });
      return;
    }
    res.json({ booking: talkRow(b) });
  });

  r.post('/api/tab/bookings/:id/cancel', d.signedIn, json, async (req: Request, res: Response) => {
    const id = Id.safeParse(req.params.id);
    const body = CancelBody.safeParse(req.body);
    if (!id.success || !body.success) {
      res.status(400).json({ error: tabTexts.invalidAction });
      return;
    }
    const user = userOf(req);
    try {
      const next = await cancelTalk(d, { bookingId: id.data, expectedVersion: body.data.expectedVersion, comment: body.data.comment }, { id: user.id, name: user.name });
      d.kick();
      d.log.info({ event: 'tab_booking_cancelled', bookingId: next.id, version: next.version });
      res.json({ booking: talkRow(next) });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === 'forbidden') {
        // Someone else's talk: answered as if it did not exist, as GET does, so ids cannot be probed.
        d.log.warn({ event: 'tab_action_rejected', reason: 'forbidden', bookingId: id.data, verb: 'avlys' });
        res.status(404).json({ error: NOT_FOUND });
        return;
      }
      const current = err.code === 'stale' || err.code === 'transition' ? await d.store.getBooking(id.data) : undefined;
      res.status(HTTP_STATUS[err.code]).json({ error: err.message, ...(current ? { booking: talkRow(current) } : {}) });
    }
  });
  return r;
}
