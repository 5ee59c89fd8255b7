import assert from 'node:assert/strict';
import { takeTicket } from '../../../src/tickets/commands/index.js';
import { fixture, ola, TEAM, refusedWith, siri, teamVerbContract, type Fixture } from './fixture.js';

describe('command: take ("Ta saken")', () => {
  teamVerbContract((f, actor, t) => takeTicket(f.c, actor, { ticketId: t.id, version: t.version }), { action: 'tatt' });

  describe('its own rules', () => {
    let f: Fixture;
    beforeEach(async () => { f = await fixture(); });
    afterEach(async () => f.close());

    it('makes the member the owner; a second take on the old version is stale and changes nothing', async () => {
      const t = await f.ticket();
      const taken = await takeTicket(f.c, ola, { ticketId: t.id, version: t.version });
      assert.equal(taken.owner?.id, ola.id);
      await assert.rejects(takeTicket(f.c, siri, { ticketId: t.id, version: t.version }), refusedWith('stale'));
      assert.equal((await f.store.getTicket(t.id))?.owner?.id, ola.id);
    });

    it('takes the team from the request when the ticket has no channel yet, and refuses when there is none', async () => {
      const t = await f.ticket({ channel: false });
      await assert.rejects(takeTicket(f.c, ola, { ticketId: t.id, version: t.version }), refusedWith('forbidden'));
      const taken = await takeTicket(f.c, { ...ola, teamId: TEAM }, { ticketId: t.id, version: t.version });
      assert.equal(taken.state, 'tatt');
    });
  });
});
