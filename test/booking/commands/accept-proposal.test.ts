import assert from 'node:assert/strict';
import { acceptProposal, acceptTalk, proposeTime } from '../../../src/booking/commands/index.js';
import { code, counsellor, kari, per, world, type World } from './world.js';

describe('booking command: accept a proposed time', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });
  afterEach(async () => w.close());

  it('nothing proposed: transition', async () => {
    const b = await w.held();
    await assert.rejects(acceptProposal(w.d, { bookingId: b.id, expectedVersion: 1 }, kari), code('transition'));
  });

  it('the counsellor proposed: only the veileder accepts (not the counsellor, not another veileder); a stale version is refused', async () => {
    const b = await w.held();
    const p = await proposeTime(w.d, { bookingId: b.id, expectedVersion: 1, date: '2026-11-25', time: '10:30' }, counsellor);
    await assert.rejects(acceptProposal(w.d, { bookingId: b.id, expectedVersion: p.version }, counsellor), code('forbidden'));
    await assert.rejects(acceptProposal(w.d, { bookingId: b.id, expectedVersion: p.version }, per), code('forbidden'));
    await assert.rejects(acceptProposal(w.d, { bookingId: b.id, expectedVersion: 1 }, kari), code('stale'));
    const ok = await acceptProposal(w.d, { bookingId: b.id, expectedVersion: p.version }, kari);
    assert.equal(ok.state, 'bekreftet');
    assert.equal(ok.start, '2026-11-25T09:30:00.000Z');
    assert.ok(ok.event);
  });

  it('the veileder proposed a move: only the counsellor accepts, and the same event moves', async () => {
    const b = await w.held();
    const c = await acceptTalk(w.d, { bookingId: b.id, expectedVersion: 1 }, counsellor);
    const p = await proposeTime(w.d, { bookingId: b.id, expectedVersion: c.version, date: '2026-11-26', time: '09:00' }, kari);
    assert.equal(p.proposedBy, 'veileder');
    await assert.rejects(acceptProposal(w.d, { bookingId: b.id, expectedVersion: p.version }, kari), code('forbidden'));
    const ok = await acceptProposal(w.d, { bookingId: b.id, expectedVersion: p.version }, counsellor);
    assert.equal(ok.event?.id, c.event?.id);
    assert.equal(ok.start, '2026-11-26T08:00:00.000Z');
  });
});
