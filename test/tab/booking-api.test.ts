import assert from 'node:assert/strict';
import type { Booking } from '../../src/booking/model.js';
import { validIdentityNumber } from '../helpers/identity.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const ingrid = { mailbox: 'ingrid.solheim@fjordvik.example.no', name: 'Ingrid Solheim' };

describe('the tab cancels a veileder\'s own talk over HTTP (POST /api/tab/bookings/:id/cancel, development login)', function () {
  this.timeout(60_000);
  let h: Harness;
  let kari = '';
  let per = '';
  let team = '';
  let kariId = '';
  const call = async (path: string, token: string | undefined, body?: unknown) => {
    const res = await fetch(`${h.app.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const login = async (name: string, role: string): Promise<string> => (await call('/api/tab/dev-login', undefined, { name, role })).body.token;
  /** A talk Kari asked for, a day apart each, held or (with `confirm`) confirmed by the counsellor. */
  let day = 0;
  const talk = async (confirm: boolean): Promise<Booking> => {
    const start = new Date(Date.now() + (10 + day++) * 86_400_000);
    const b = await h.app.bookings.request({
      veileder: { id: kariId, name: 'Kari Veileder', conversationKey: 'personal:a:kari' }, counsellor: ingrid, start, end: new Date(start.getTime() + 45 * 60_000),
      format: 'teams', topic: 'karriereveiledning', veilederJoins: true, brukerAlias: 'AB',
    });
    return confirm ? h.app.bookings.accept({ bookingId: b.id, actor: { id: 'aad-ingrid', name: ingrid.name, mailbox: ingrid.mailbox }, expectedVersion: 1 }) : b;
  };

  before(async () => {
    h = await startHarness();
    kari = await login('Kari Veileder', 'veileder');
    per = await login('Per Veileder', 'veileder');
    team = await login('Tora Team', 'team');
    // A development login's id is its name, folded (auth.ts); the talks are booked under it.
    kariId = 'dev:kari-veileder';
  });
  after(async () => h?.close());

  it('needs a sign-in', async () => {
    const b = await talk(false);
    assert.equal((await call(`/api/tab/bookings/${b.id}/cancel`, undefined, { expectedVersion: 1 })).status, 401);
    assert.equal((await call(`/api/tab/bookings/${b.id}`, undefined)).status, 401);
  });

  it('shows the veileder her own talk with its version; someone else\'s is not found', async () => {
    const b = await talk(false);
    const mine = await call(`/api/tab/bookings/${b.id}`, kari);
    assert.equal(mine.status, 200);
    assert.deepEqual({ id: mine.body.booking.id, version: mine.body.booking.version, state: mine.body.booking.state, canCancel: mine.body.booking.canCancel }, { id: b.id, version: 1, state: 'holdt', canCancel: true });
    assert.equal((await call(`/api/tab/bookings/${b.id}`, per)).status, 404);
    assert.equal((await call('/api/tab/bookings/TS-2026-9999', kari)).status, 404);
  });

  it('a veileder may cancel only her own talk: anyone else, also from the team, is told there is no such talk (ids cannot be probed)', async () => {
    const b = await talk(false);
    for (const token of [per, team]) {
      const r = await call(`/api/tab/bookings/${b.id}/cancel`, token, { expectedVersion: 1 });
      assert.equal(r.status, 404);
      assert.equal(r.body.error, 'Fant ikke samtalen.');
      assert.equal(r.body.booking, undefined);
    }
    assert.equal((await h.app.store.getBooking(b.id))?.state, 'holdt');
    assert.ok(h.logs.some((l) => l.includes('"event":"tab_action_rejected"') && l.includes(b.id)));
  });

  it('400 for a bad body or an identity number in the comment, 404 for no such talk, 409 for a stale version', async () => {
    const b = await talk(false);
    assert.equal((await call(`/api/tab/bookings/${b.id}/cancel`, kari, { expectedVersion: 'en' })).status, 400);
    assert.equal((await call('/api/tab/bookings/ikke-en-id/cancel', kari, { expectedVersion: 1 })).status, 400);
    const fnr = await call(`/api/tab/bookings/${b.id}/cancel`, kari, { expectedVersion: 1, comment: `Gjelder ${validIdentityNumber('020385')}` });
    assert.equal(fnr.status, 400);
    assert.match(fnr.body.error, /fødselsnummer/);
    assert.equal((await call('/api/tab/bookings/TS-2026-9999/cancel', kari, { expectedVersion: 1 })).status, 404);
    const stale = await call(`/api/tab/bookings/${b.id}/cancel`, kari, { expectedVersion: 7 });
    assert.equal(stale.status, 409);
    assert.match(stale.body.error, /endret siden du så den/);
    assert.equal(stale.body.booking.version, 1, 'the talk as it is now');
    assert.equal((await h.app.store.getBooking(b.id))?.state, 'holdt');
  });

  it('cancels a confirmed talk: the calendar event is cancelled, the history says who, the counsellor is told; a second cancel is 409', async () => {
    const b = await talk(true);
    assert.equal(b.state, 'bekreftet');
    const r = await call(`/api/tab/bookings/${b.id}/cancel`, kari, { expectedVersion: b.version, comment: 'Bruker har fått jobb.' });
    assert.equal(r.status, 200);
    assert.equal(r.body.booking.state, 'avlyst');
    assert.equal(r.body.booking.canCancel, false);
    const now = (await h.app.store.getBooking(b.id))!;
    assert.equal(now.state, 'avlyst');
    assert.deepEqual({ ...now.history.at(-1), at: undefined }, { at: undefined, actor: { id: kariId, name: 'Kari Veileder' }, action: 'avlyst', note: 'Bruker har fått jobb.' });
    assert.equal((await h.app.store.getCalendarEvent(ingrid.mailbox, b.event!.id))?.isCancelled, true);
    const told = (await h.app.store.listOutbox()).find((m) => m.conversationKey === `counsellor:${ingrid.mailbox}` && String(m.activity.text).includes(`Kari Veileder har avlyst trepartssamtalen ${b.id}.`));
    assert.ok(told, 'the counsellor is told, as when the card is used');
    assert.ok(h.logs.some((l) => l.includes('"event":"tab_booking_cancelled"') && l.includes(b.id)));
    const again = await call(`/api/tab/bookings/${b.id}/cancel`, kari, { expectedVersion: now.version });
    assert.equal(again.status, 409);
    assert.equal(again.body.booking.state, 'avlyst');
    // «Mine saker» lists it as cancelled.
    const mine = await call('/api/tab/mine', kari);
    assert.equal(mine.body.bookings.find((x: Json) => x.id === b.id).state, 'avlyst');
  });
});
