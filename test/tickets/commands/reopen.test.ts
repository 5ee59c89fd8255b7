import assert from 'node:assert/strict';
import { answerTicket, reopenTicket } from '../../../src/tickets/commands/index.js';
import { kari, ola, veilederVerbContract, fixture, type Fixture } from './fixture.js';

const answered = (f: Fixture, t: { id: string; version: number }) => answerTicket(f.c, ola, { ticketId: t.id, version: t.version, text: 'Ja.' });

describe('command: reopen ("Trenger mer hjelp")', () => {
  veilederVerbContract((f, actor, t) => reopenTicket(f.c, actor, { ticketId: t.id, version: t.version, text: 'Hva med fristen?' }), { action: 'gjenapnet', prepare: answered });

  it('sends the ticket back to the team', async () => {
    const f = await fixture();
    try {
      const a = await answered(f, await f.ticket());
      assert.equal((await reopenTicket(f.c, kari, { ticketId: a.id, version: a.version, text: 'Hva med fristen?' })).state, 'tatt');
    } finally {
      await f.close();
    }
  });
});
