import assert from 'node:assert/strict';
import { answerTicket } from '../../../src/tickets/commands/index.js';
import { validIdentityNumber } from '../../helpers/identity.js';
import { fixture, ola, refusedWith, teamVerbContract, type Fixture } from './fixture.js';

describe('command: answer', () => {
  teamVerbContract((f, actor, t) => answerTicket(f.c, actor, { ticketId: t.id, version: t.version, text: 'Ja, med 5 års praksis kan hun melde seg opp.' }), { action: 'besvart' });

  it('records the answer under the member; refuses an identity number (validation) and changes nothing', async () => {
    const f: Fixture = await fixture();
    try {
      const t = await f.ticket();
      await assert.rejects(answerTicket(f.c, ola, { ticketId: t.id, version: t.version, text: `Bruker ${validIdentityNumber('010190')} kan.` }), refusedWith('validation'));
      assert.equal((await f.store.getTicket(t.id))?.version, t.version);
      const answered = await answerTicket(f.c, ola, { ticketId: t.id, version: t.version, text: 'Ja.' });
      assert.deepEqual([answered.state, answered.answer?.text, answered.answer?.by.id], ['besvart', 'Ja.', ola.id]);
    } finally {
      await f.close();
    }
  });
});
