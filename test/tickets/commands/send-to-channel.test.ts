import assert from 'node:assert/strict';
import { sendWaitingTickets } from '../../../src/tickets/commands/index.js';
import { fixture, TEAM, type Fixture } from './fixture.js';

describe('command: send waiting tickets to the channel chosen now', () => {
  let f: Fixture;
  beforeEach(async () => { f = await fixture(); });
  afterEach(async () => f.close());

  it('sends the open tickets without a channel, oldest first, once; kicks only when it sent something', async () => {
    const a = await f.ticket({ channel: false });
    const b = await f.ticket({ channel: false });
    assert.equal(await sendWaitingTickets(f.c), 0, 'no channel yet');
    assert.equal(f.kicks, 0);
    await f.store.saveEscalationChannel({ conversationKey: 'channel:19:generelt', teamId: TEAM, channelId: '19:generelt', sections: [], regions: [], setBy: { id: 'aad-eva', name: 'Eva Eier' }, setAt: '2026-11-01T09:00:00Z' });
    assert.equal(await sendWaitingTickets(f.c), 2);
    assert.equal(f.kicks, 1);
    for (const t of [a, b]) {
      const after = await f.store.getTicket(t.id);
      assert.equal(after?.channel?.teamId, TEAM);
      assert.equal(after?.history.at(-1)?.action, 'sendt-til-kanal');
    }
    assert.equal(await sendWaitingTickets(f.c), 0, 'sent once');
    assert.equal(f.kicks, 1);
  });
});
