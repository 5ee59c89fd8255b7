import assert from 'node:assert/strict';
import { SlotTakenError } from '../../../src/booking/booking-service.js';
import { proposeTime } from '../../../src/booking/commands/index.js';
import { code, counsellor, kari, per, world, type World } from './world.js';

describe('booking command: propose a new time', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });
  afterEach(async () => w.close());

  it('neither side of the talk: forbidden; the veileder only for a confirmed talk', async () => {
    const b = await w.held();
    await assert.rejects(proposeTime(w.d, { bookingId: b.id, expectedVersion: 1, date: '2026-11-25', time: '10:00' }, per), code('forbidden'));
    await assert.rejects(proposeTime(w.d, { bookingId: b.id, expectedVersion: 1, date: '2026-11-25', time: '10:00' }, kari), code('transition'));
  });

  it('refuses a time that does not exist, and a stale version', async () => {
    const b = await w.held();
    await assert.rejects(proposeTime(w.d, { bookingId: b.id, expectedVersion: 1, date: '2026-02-30', time: '10:00' }, counsellor), code('validation'));
    await assert.rejects(proposeTime(w.d, { bookingId: b.id, expectedVersion: 2, date: '2026-11-25', time: '10:00' }, counsellor), code('stale'));
  });

  it('a time held for another talk: SlotTakenError', async () => {
    const b = await w.held();
    await w.held(per, new Date('2026-11-25T09:00:00Z'));
    await assert.rejects(proposeTime(w.d, { bookingId: b.id, expectedVersion: 1, date: '2026-11-25', time: '10:00' }, counsellor), (err) => err instanceof SlotTakenError);
  });

  it('the counsellor proposes a local time in Oslo; the talk keeps its length', async () => {
    const b = await w.held();
    const p = await proposeTime(w.d, { bookingId: b.id, expectedVersion: 1, date: '2026-11-25', time: '10:30' }, counsellor);
    assert.equal(p.state, 'foreslatt');
    assert.equal(p.proposedBy, 'counsellor');
    assert.deepEqual(p.proposed, { start: '2026-11-25T09:30:00.000Z', end: '2026-11-25T10:15:00.000Z' });
  });
});
