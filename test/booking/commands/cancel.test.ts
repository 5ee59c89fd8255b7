import assert from 'node:assert/strict';
import { acceptTalk, cancelTalk } from '../../../src/booking/commands/index.js';
import { code, counsellor, ingrid, kari, per, world, yonas, type World } from './world.js';

describe('booking command: cancel', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });
  afterEach(async () => w.close());

  it('only the talk\'s veileder or counsellor may cancel', async () => {
    const b = await w.held();
    for (const who of [per, yonas]) await assert.rejects(cancelTalk(w.d, { bookingId: b.id, expectedVersion: 1 }, who), code('forbidden'));
    assert.equal((await w.store.getBooking(b.id))?.state, 'holdt');
  });

  it('refuses a stale version, an unknown talk, and a talk already cancelled', async () => {
    const b = await w.held();
    await assert.rejects(cancelTalk(w.d, { bookingId: b.id, expectedVersion: 2 }, kari), code('stale'));
    await assert.rejects(cancelTalk(w.d, { bookingId: 'TS-2026-0999', expectedVersion: 1 }, kari), code('not-found'));
    const c = await cancelTalk(w.d, { bookingId: b.id, expectedVersion: 1 }, kari);
    await assert.rejects(cancelTalk(w.d, { bookingId: b.id, expectedVersion: c.version }, kari), code('transition'));
  });

  it('the veileder cancels a confirmed talk: the calendar event is cancelled with the comment', async () => {
    const b = await w.held();
    const ok = await acceptTalk(w.d, { bookingId: b.id, expectedVersion: 1 }, counsellor);
    const c = await cancelTalk(w.d, { bookingId: b.id, expectedVersion: ok.version, comment: 'Bruker har fått jobb.' }, kari);
    assert.equal(c.state, 'avlyst');
    assert.deepEqual(c.history.at(-1), { at: c.updatedAt, actor: { id: kari.id, name: kari.name }, action: 'avlyst', note: 'Bruker har fått jobb.' });
    assert.equal((await w.store.getCalendarEvent(ingrid.mailbox, ok.event!.id))?.isCancelled, true);
  });

  it('the counsellor cancels a pending request; no comment gives the standard one', async () => {
    const b = await w.held();
    const c = await cancelTalk(w.d, { bookingId: b.id, expectedVersion: 1 }, counsellor);
    assert.equal(c.state, 'avlyst');
    assert.equal(c.history.at(-1)?.note, 'Samtalen er avlyst.');
  });
});
