import assert from 'node:assert/strict';
import { answerTicket, resolveTicket } from '../../../src/tickets/commands/index.js';
import { fixture, kari, ola, refusedWith, veilederVerbContract, type Fixture } from './fixture.js';

const answered = (f: Fixture, t: { id: string; version: number }) => answerTicket(f.c, ola, { ticketId: t.id, version: t.version, text: 'Ja.' });

describe('command: resolve ("Løst, takk")', () => {
  veilederVerbContract((f, actor, t) => resolveTicket(f.c, actor, { ticketId: t.id, version: t.version }), { action: 'lost', prepare: answered });

  it('only once the team has answered (transition)', async () => {
    const f = await fixture();
    try {
      const t = await f.ticket();
      await assert.rejects(resolveTicket(f.c, kari, { ticketId: t.id, version: t.version }), refusedWith('transition'));
      const a = await answered(f, t);
      assert.equal((await resolveTicket(f.c, kari, { ticketId: t.id, version: a.version })).state, 'lukket');
    } finally {
      await f.close();
    }
  });
});
