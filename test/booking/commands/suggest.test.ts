import assert from 'node:assert/strict';
import { declineTalk, suggestTimes } from '../../../src/booking/commands/index.js';
import { code, counsellor, draft, kari, per, world, type World } from './world.js';

describe('booking command: suggest', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });
  afterEach(async () => w.close());

  it('gives 3–5 free times for a draft, none of them shown before', async () => {
    const first = await suggestTimes(w.d, { draft }, kari);
    assert.ok(first.slots.length >= 3 && first.slots.length <= 5, `${first.slots.length}`);
    assert.deepEqual(first.draft, draft);
    const shown = first.slots.map((s) => ({ mailbox: s.mailbox, start: s.start.toISOString() }));
    const more = await suggestTimes(w.d, { draft, shown }, kari);
    assert.ok(more.slots.every((s) => !shown.some((x) => x.mailbox === s.mailbox && x.start === s.start.toISOString())));
  });

  it('new times for a talk that fell through: only for its own veileder', async () => {
    const b = await w.held();
    await declineTalk(w.d, { bookingId: b.id, expectedVersion: 1, reason: 'På kurs.' }, counsellor);
    await assert.rejects(suggestTimes(w.d, { retryOf: b.id }, per), code('not-found'));
    await assert.rejects(suggestTimes(w.d, { retryOf: 'TS-2026-0999' }, kari), code('not-found'));
    const again = await suggestTimes(w.d, { retryOf: b.id }, kari);
    assert.equal(again.draft.duration, 45);
    assert.equal(again.draft.brukerAlias, 'AB');
    assert.ok(again.slots.length >= 3);
  });
});
