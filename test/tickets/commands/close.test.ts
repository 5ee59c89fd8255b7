import assert from 'node:assert/strict';
import { closeTicket } from '../../../src/tickets/commands/index.js';
import { fixture, ola, teamVerbContract, type Fixture } from './fixture.js';

describe('command: close ("Lukk")', () => {
  teamVerbContract((f, actor, t) => closeTicket(f.c, actor, { ticketId: t.id, version: t.version }), { action: 'lukket' });

  it('closes the ticket with a closing time', async () => {
    const f: Fixture = await fixture();
    try {
      const t = await f.ticket();
      const closed = await closeTicket(f.c, ola, { ticketId: t.id, version: t.version });
      assert.equal(closed.state, 'lukket');
      assert.ok(closed.closedAt);
    } finally {
      await f.close();
    }
  });
});
