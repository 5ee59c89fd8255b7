import assert from 'node:assert/strict';
import { declineTalk } from '../../../src/booking/commands/index.js';
import { validIdentityNumber } from '../../helpers/identity.js';
import { code, counsellor, kari, world, type World } from './world.js';

describe('booking command: decline', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });
  afterEach(async () => w.close());

  it('only the counsellor may decline', async () => {
    const b = await w.held();
    await assert.rejects(declineTalk(w.d, { bookingId: b.id, expectedVersion: 1, reason: 'Nei.' }, kari), code('forbidden'));
  });

  it('refuses a stale version, and a reason with an identity number', async () => {
    const b = await w.held();
    await assert.rejects(declineTalk(w.d, { bookingId: b.id, expectedVersion: 3, reason: 'På kurs.' }, counsellor), code('stale'));
    await assert.rejects(declineTalk(w.d, { bookingId: b.id, expectedVersion: 1, reason: `Gjelder ${validIdentityNumber('020385')}` }, counsellor), code('validation'));
    assert.equal((await w.store.getBooking(b.id))?.state, 'holdt');
  });

  it('declines with the reason; the time is free again', async () => {
    const b = await w.held();
    const no = await declineTalk(w.d, { bookingId: b.id, expectedVersion: 1, reason: 'På kurs den dagen.' }, counsellor);
    assert.equal(no.state, 'avslatt');
    assert.equal(no.declineReason, 'På kurs den dagen.');
    assert.equal((await w.held()).state, 'holdt', 'the same time can be asked for again');
  });
});
