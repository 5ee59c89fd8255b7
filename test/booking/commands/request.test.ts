import assert from 'node:assert/strict';
import { SlotTakenError } from '../../../src/booking/booking-service.js';
import { requestTalk } from '../../../src/booking/commands/index.js';
import { DomainError } from '../../../src/domain-error.js';
import { code, draft, ingrid, kari, per, slot, world, type World } from './world.js';

describe('booking command: request (hold a slot)', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });
  afterEach(async () => w.close());

  it('holds the slot for the counsellor, with the veileder as the actor says (e-mail for the invitation)', async () => {
    const b = await requestTalk(w.d, { draft, slot: slot(), conversationKey: 'personal:a:kari' }, kari);
    assert.equal(b.state, 'holdt');
    assert.deepEqual(b.counsellor, ingrid);
    assert.deepEqual(b.veileder, { id: kari.id, name: kari.name, email: kari.email, conversationKey: 'personal:a:kari' });
    assert.equal(b.history[0].action, 'forespurt');
    assert.equal((await w.store.getBooking(b.id))?.version, 1);
  });

  it('an in-person talk gets the counsellor\'s office as its place', async () => {
    const b = await requestTalk(w.d, { draft: { ...draft, format: 'inPerson' }, slot: slot(), conversationKey: 'k' }, kari);
    assert.equal(b.place, 'Karrieresenteret Fjordvik by, Kaigata 4, 2. etasje, 6900 Fjordvik');
  });

  it('refuses a counsellor who is not in the directory, and a format the counsellor does not offer', async () => {
    await assert.rejects(requestTalk(w.d, { draft, slot: { ...slot(), mailbox: 'mallory@example.no' }, conversationKey: 'k' }, kari), code('not-found'));
    // Per Arne Vik takes no Teams talks.
    await assert.rejects(requestTalk(w.d, { draft, slot: { ...slot(), mailbox: 'per.arne.vik@fjordvik.example.no' }, conversationKey: 'k' }, kari), code('not-found'));
    assert.deepEqual(await w.store.listBookings(), []);
  });

  it('a slot someone else was faster to: SlotTakenError, never a double booking', async () => {
    const results = await Promise.allSettled([
      requestTalk(w.d, { draft, slot: slot(), conversationKey: 'a' }, kari),
      requestTalk(w.d, { draft, slot: slot(), conversationKey: 'b' }, per),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(lost.reason instanceof SlotTakenError);
    assert.ok(lost.reason instanceof DomainError);
    assert.equal((await w.store.listBookings()).length, 1);
  });

  it('an alias that is a full name is a validation error', async () => {
    await assert.rejects(requestTalk(w.d, { draft: { ...draft, brukerAlias: 'Anne Marie Berg' }, slot: slot(), conversationKey: 'k' }, kari), code('validation'));
  });
});
