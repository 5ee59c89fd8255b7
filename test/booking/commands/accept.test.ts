import assert from 'node:assert/strict';
import { acceptTalk } from '../../../src/booking/commands/index.js';
import { code, counsellor, ingrid, kari, world, yonas, type World } from './world.js';

describe('booking command: accept', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });
  afterEach(async () => w.close());

  it('only the talk\'s counsellor may accept: not the veileder, not another counsellor, not someone with no mailbox', async () => {
    const b = await w.held();
    for (const who of [kari, yonas, { id: counsellor.id, name: counsellor.name }]) {
      await assert.rejects(acceptTalk(w.d, { bookingId: b.id, expectedVersion: 1 }, who), code('forbidden'));
    }
    assert.equal((await w.store.getBooking(b.id))?.state, 'holdt');
  });

  it('refuses a stale version and an unknown talk', async () => {
    const b = await w.held();
    await assert.rejects(acceptTalk(w.d, { bookingId: b.id, expectedVersion: 2 }, counsellor), code('stale'));
    await assert.rejects(acceptTalk(w.d, { bookingId: 'TS-2026-9999', expectedVersion: 1 }, counsellor), code('not-found'));
  });

  it('confirms the talk and puts one event with a Teams meeting in the counsellor\'s calendar', async () => {
    const b = await w.held();
    const ok = await acceptTalk(w.d, { bookingId: b.id, expectedVersion: 1 }, counsellor);
    assert.equal(ok.state, 'bekreftet');
    assert.ok(ok.event?.joinUrl);
    const ev = await w.store.getCalendarEvent(ingrid.mailbox, ok.event!.id);
    assert.deepEqual(ev?.attendees.map((a) => a.email), [kari.email]);
    await assert.rejects(acceptTalk(w.d, { bookingId: b.id, expectedVersion: ok.version }, counsellor), code('transition'), 'once');
  });
});
