import assert from 'node:assert/strict';
import { assignTicket } from '../../../src/tickets/commands/index.js';
import { fixture, mallory, ola, refusedWith, siri, teamVerbContract, type Fixture } from './fixture.js';

describe('command: assign ("Tildel til …")', () => {
  teamVerbContract((f, actor, t) => assignTicket(f.c, actor, { ticketId: t.id, version: t.version, assignee: siri.id }), { action: 'tildelt' });

  describe('the assignee', () => {
    let f: Fixture;
    beforeEach(async () => { f = await fixture(); });
    afterEach(async () => f.close());

    it('must be on the ticket\'s team: someone else is refused (validation) and nothing changes', async () => {
      const t = await f.ticket();
      const reads = f.roster.reads;
      await assert.rejects(assignTicket(f.c, ola, { ticketId: t.id, version: t.version, assignee: mallory.id }), (e: Error) => refusedWith('validation')(e) && /ikke medlem av teamet/.test(e.message));
      assert.equal(f.roster.reads - reads, 2, 'the roster is asked twice: once for the actor, once for the assignee');
      assert.equal((await f.store.getTicket(t.id))?.version, t.version);
      assert.equal(f.kicks, 0);
    });

    it('is found by AAD object id or Teams id and recorded by AAD object id, under the roster\'s name', async () => {
      const t = await f.ticket();
      const a = await assignTicket(f.c, ola, { ticketId: t.id, version: t.version, assignee: siri.roster.id! });
      assert.deepEqual([a.owner?.id, a.owner?.name], [siri.id, 'Siri Rådgiver']);
      const b = await assignTicket(f.c, siri, { ticketId: t.id, version: a.version, assignee: ola.id });
      assert.equal(b.owner?.id, ola.id);
    });

    it('cannot be looked up when the roster fails after the actor was confirmed: unavailable, nothing changes', async () => {
      const t = await f.ticket();
      const roster = f.roster;
      let calls = 0;
      const flaky = { member: async (teamId: string | undefined, u: { id?: string; aadObjectId?: string }) => (++calls === 1 ? roster.member(teamId, u) : Promise.reject(new Error('Teams svarer ikke'))), members: (teamId: string) => roster.members(teamId) };
      await assert.rejects(assignTicket({ ...f.c, roster: flaky }, ola, { ticketId: t.id, version: t.version, assignee: siri.id }), refusedWith('unavailable'));
      assert.equal((await f.store.getTicket(t.id))?.version, t.version);
    });
  });
});
