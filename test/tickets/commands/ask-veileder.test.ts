import assert from 'node:assert/strict';
import { askVeileder } from '../../../src/tickets/commands/index.js';
import { fixture, ola, teamVerbContract, type Fixture } from './fixture.js';

describe('command: ask the veileder', () => {
  teamVerbContract((f, actor, t) => askVeileder(f.c, actor, { ticketId: t.id, version: t.version, text: 'Hvor lang praksis har hun?' }), { action: 'spurt' });

  it('makes the ticket wait for the veileder with the question', async () => {
    const f: Fixture = await fixture();
    try {
      const t = await f.ticket();
      const asked = await askVeileder(f.c, ola, { ticketId: t.id, version: t.version, text: 'Hvor lang praksis har hun?' });
      assert.equal(asked.state, 'venter');
      assert.equal(asked.pendingQuestion?.text, 'Hvor lang praksis har hun?');
    } finally {
      await f.close();
    }
  });
});
