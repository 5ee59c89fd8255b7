import assert from 'node:assert/strict';
import { createTicket, type CreateInput } from '../../../src/tickets/commands/index.js';
import type { EscalationChannel } from '../../../src/store/store.js';
import { validIdentityNumber } from '../../helpers/identity.js';
import { fixture, kari, refusedWith, TEAM, OTHER_TEAM, type Fixture } from './fixture.js';

const channel = (over: Partial<EscalationChannel>): EscalationChannel => ({
  conversationKey: 'channel:19:generelt', teamId: TEAM, channelId: '19:generelt', sections: [], regions: [], setBy: { id: 'aad-eva', name: 'Eva Eier' }, setAt: '2026-11-01T09:00:00Z', ...over,
});
const input = (over: Partial<CreateInput> = {}): CreateInput => ({
  question: 'Kan bruker ta fagbrev på jobb uten læreplass?', section: 'fagopplaering', situation: { ageBand: '25+' }, office: 'NAV Fjordvik',
  requester: { ...kari, conversationKey: 'personal:a:kari', cardActivityId: 'form-1' }, ...over,
});

describe('command: create (a veileder sends a case to the team)', () => {
  let f: Fixture;
  const warnings: object[] = [];
  beforeEach(async () => {
    f = await fixture();
    warnings.length = 0;
    f.c.log = { warn: (o) => warnings.push(o) };
  });
  afterEach(async () => f.close());

  it('routes to the most specific channel, reads that team\'s roster first, writes the ticket and kicks the outbox', async () => {
    await f.store.saveEscalationChannel(channel({}));
    await f.store.saveEscalationChannel(channel({ conversationKey: 'channel:19:fag', channelId: '19:fag', teamId: OTHER_TEAM, sections: ['fagopplaering'] }));
    const { ticket, routed } = await createTicket(f.c, input());
    assert.equal(routed, true);
    assert.deepEqual([ticket.channel?.conversationKey, ticket.channel?.teamId], ['channel:19:fag', OTHER_TEAM]);
    assert.ok(ticket.channel?.cardMessageId);
    assert.equal(f.roster.reads, 1);
    assert.deepEqual(await f.store.getTicket(ticket.id), ticket);
    assert.equal(ticket.requester.cardActivityId, 'form-1');
    assert.equal(f.kicks, 1);
  });

  it('without a channel, the ticket waits (not routed) and no roster is read', async () => {
    const { ticket, routed } = await createTicket(f.c, input());
    assert.equal(routed, false);
    assert.equal(ticket.channel, undefined);
    assert.equal(f.roster.reads, 0);
  });

  it('still creates the ticket when the roster cannot be read, and notes it', async () => {
    await f.store.saveEscalationChannel(channel({}));
    f.roster.down = true;
    const { ticket } = await createTicket(f.c, input());
    assert.equal((await f.store.getTicket(ticket.id))?.state, 'ny');
    assert.deepEqual(warnings, [{ event: 'roster_unavailable', err: 'Teams svarer ikke (502)' }]);
  });

  it('refuses an identity number (validation): nothing stored, nothing kicked', async () => {
    await assert.rejects(createTicket(f.c, input({ question: `Bruker ${validIdentityNumber('011080')} vil ta fagbrev` })), refusedWith('validation'));
    assert.equal((await f.store.listTickets()).length, 0);
    assert.equal(f.kicks, 0);
  });
});
