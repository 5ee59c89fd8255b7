/**
 * Signed links to a confirmed (or cancelled) talk's .ics file, for a bruker without Teams: the
 * links the booking messages carry, and the GET /ics/:file route that serves them.
 */
import express from 'express';
import { bookingIcs, icsSignature, verifyIcsSignature } from '../booking/ics.js';
import type { Booking } from '../booking/model.js';
import type { Store } from '../store/store.js';

/** Builds the links; the address is the public one, or (until it is known) where the app listens. */
export class IcsLinks {
  private base: string;

  constructor(private readonly secret: string, publicBaseUrl?: string) {
    this.base = publicBaseUrl ?? '';
  }

  /** The app listens at `url`: the links use it when no public address is configured. */
  listeningAt(url: string): void {
    this.base ||= url;
  }

  readonly url = (b: Booking): string => `${this.base}/ics/${b.id}.ics?sig=${icsSignature(this.secret, b.id)}`;
}

/** GET /ics/<booking id>.ics?sig=…: the calendar file, or 404 for a bad signature or a talk not confirmed or cancelled. */
export function icsRoute(store: Pick<Store, 'getBooking'>, secret: string): express.Router {
  const routes = express.Router();
  routes.get('/ics/:file', async (req, res) => {
    const id = /^(TS-\d{4}-\d{4,6})\.ics$/.exec(String(req.params.file))?.[1];
    const sig = typeof req.query.sig === 'string' ? req.query.sig : '';
    const b = id && verifyIcsSignature(secret, id, sig) ? await store.getBooking(id) : undefined;
    if (!b || (b.state !== 'bekreftet' && b.state !== 'avlyst')) {
      res.status(404).type('text/plain').send('Fant ikke kalenderfila.');
      return;
    }
    res.type('text/calendar; charset=utf-8').set('content-disposition', `attachment; filename="${b.id}.ics"`).send(bookingIcs(b, new Date()));
  });
  return routes;
}
