/**
 * What the command tests share: a real LowdbStore in a temp folder, the real TicketService, an
 * in-memory team roster (the TeamRoster port, which can be made to fail like Teams does), counters
 * for the hooks after a change, and the contract every team verb keeps (roster, refusals, writes).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '../../../src/domain-error.js';
import type { CommandContext } from '../../../src/tickets/commands/index.js';
import type { Ticket } from '../../../src/tickets/model.js';
import { findMember, type CommandActor, type Member, type RosterUser, type TeamRoster } from '../../../src/tickets/team-roster.js';
import { TicketService } from '../../../src/tickets/ticket-service.js';
import { LowdbStore } from '../../../src/store/lowdb-store.js';

export const TEAM = '19:team-utdanning@thread.tacv2';
export const OTHER_TEAM = '19:team-annet@thread.tacv2';

/** A team's roster in memory; `down` makes every read fail as a Teams call does (a plain Error). */
export class MemoryRoster implements TeamRoster {
  readonly teams = new Map<string, Member[]>();
  down = false;
  reads = 0;
  async member(teamId: string | undefined, user: RosterUser): Promise<Member | undefined> {
    return teamId ? findMember(await this.members(teamId), user) : undefined;
  }
  async members(teamId: string): Promise<Member[]> {
    this.reads++;
    if (this.down) throw new Error('Teams svarer ikke (502)');
    return this.teams.get(teamId) ?? [];
  }
}

const actor = (key: string, name: string): CommandActor => ({ id: `aad-${key}`, name, roster: { id: `29:user-${key}`, aadObjectId: `aad-${key}` } });
/** On the team. */
export const ola = actor('ola', 'Ola Rådgiver');
export const siri = actor('siri', 'Siri Rådgiver');
/** Signed in, but on no team. */
export const mallory = actor('mallory', 'Mallory');
/** The veileder who sends the tickets. */
export const kari = { id: 'aad-kari', name: 'Kari Veileder' };

export interface Fixture {
  store: LowdbStore;
  service: TicketService;
  roster: MemoryRoster;
  c: CommandContext;
  kicks: number;
  faqSaved: number;
  /** A new ticket from Kari in the team's channel (no channel: `channel: false`). */
  ticket(opts?: { channel?: boolean }): Promise<Ticket>;
  close(): Promise<void>;
}

export async function fixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'veiviser-commands-'));
  const store = await LowdbStore.open(dir);
  const clock = () => new Date('2026-11-20T09:00:00Z');
  const service = new TicketService({ store, clock, reopenDays: 14 });
  const roster = new MemoryRoster();
  roster.teams.set(TEAM, [ola, siri].map((a) => ({ id: a.roster.id!, aadObjectId: a.roster.aadObjectId, name: a.name })));
  roster.teams.set(OTHER_TEAM, [{ id: mallory.roster.id!, aadObjectId: mallory.roster.aadObjectId, name: mallory.name }]);
  const f: Fixture = {
    store, service, roster, kicks: 0, faqSaved: 0,
    c: { service, store, roster, clock, kickOutbox: () => f.kicks++, onFaqSaved: () => f.faqSaved++ },
    ticket: (opts = {}) => service.create({
      question: 'Kan bruker ta fagbrev som praksiskandidat etter 5 år som assistent?', section: 'fagopplaering', situation: {}, consent: true,
      requester: { ...kari, conversationKey: 'personal:a:kari' },
      channel: opts.channel === false ? undefined : { conversationKey: 'channel:19:kanal-fag', teamId: TEAM, cardMessageId: 'card-1' },
    }),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return f;
}

export const refusedWith = (code: DomainError['code']) => (e: unknown) => e instanceof DomainError && e.code === code;

/** A fresh fixture per test (closed after it), and the ticket a contract starts from. */
function contractFixture(prepare?: (f: Fixture, t: Ticket) => Promise<Ticket>): { f: () => Fixture; ready: () => Promise<Ticket> } {
  let f: Fixture;
  beforeEach(async () => { f = await fixture(); });
  afterEach(async () => f.close());
  return {
    f: () => f,
    ready: async () => {
      const t = await f.ticket();
      return prepare ? prepare(f, t) : t;
    },
  };
}

/**
 * The contract of a team verb: a non-member is refused (forbidden) and a roster that cannot be
 * read is 'unavailable', both changing nothing and kicking nothing; a member's change is written
 * through the service, recorded under the roster's name, and announced at once.
 */
export function teamVerbContract(run: (f: Fixture, actor: CommandActor, t: Ticket) => Promise<Ticket>, expect: { action: string; prepare?: (f: Fixture, t: Ticket) => Promise<Ticket> }): void {
  const ctx = contractFixture(expect.prepare);
  let f: Fixture;
  beforeEach(() => { f = ctx.f(); });
  const ready = ctx.ready;

  it('refuses someone who is not on the ticket\'s team (forbidden), even on another team, and changes nothing', async () => {
    const t = await ready();
    const kicks = f.kicks;
    await assert.rejects(run(f, mallory, t), refusedWith('forbidden'));
    await assert.rejects(run(f, { ...mallory, teamId: OTHER_TEAM }, t), refusedWith('forbidden'), 'the ticket\'s team counts, not the one the request came from');
    assert.equal((await f.store.getTicket(t.id))?.version, t.version);
    assert.equal(f.kicks, kicks);
  });

  it('says "unavailable" when the roster cannot be read, and changes nothing', async () => {
    const t = await ready();
    const kicks = f.kicks;
    f.roster.down = true;
    await assert.rejects(run(f, ola, t), refusedWith('unavailable'));
    assert.equal((await f.store.getTicket(t.id))?.version, t.version);
    assert.equal(f.kicks, kicks);
  });

  it('refuses a ticket that does not exist (not-found)', async () => {
    const t = await ready();
    await assert.rejects(run(f, ola, { ...t, id: 'UT-2026-9999' }), refusedWith('not-found'));
  });

  it('writes a member\'s change through the service, under the roster\'s name, and kicks the outbox', async () => {
    const t = await ready();
    const kicks = f.kicks;
    const after = await run(f, { ...ola, name: 'Navn fra Teams-klienten' }, t);
    const stored = await f.store.getTicket(t.id);
    assert.equal(stored?.version, t.version + 1);
    assert.deepEqual(after, stored);
    const last = stored!.history.at(-1)!;
    assert.equal(last.action, expect.action);
    assert.deepEqual(last.actor, { id: ola.id, name: 'Ola Rådgiver' });
    assert.equal(f.kicks, kicks + 1);
  });
}

/**
 * The contract of a veileder verb: only the veileder who sent the ticket may (anyone else, a team
 * member too, is refused: forbidden, nothing changes); the team roster is not asked; the change is
 * written through the service and announced at once.
 */
export function veilederVerbContract(run: (f: Fixture, actor: { id: string; name: string }, t: Ticket) => Promise<Ticket>, expect: { action: string; prepare?: (f: Fixture, t: Ticket) => Promise<Ticket> }): void {
  const ctx = contractFixture(expect.prepare);
  let f: Fixture;
  beforeEach(() => { f = ctx.f(); });
  const ready = ctx.ready;

  it('refuses anyone but the veileder who sent it (forbidden), and changes nothing', async () => {
    const t = await ready();
    const kicks = f.kicks;
    for (const other of [{ id: 'aad-per', name: 'Per Veileder' }, { id: ola.id, name: ola.name }]) await assert.rejects(run(f, other, t), refusedWith('forbidden'));
    assert.equal((await f.store.getTicket(t.id))?.version, t.version);
    assert.equal(f.kicks, kicks);
  });

  it('does not need the team roster, and writes the veileder\'s change through the service', async () => {
    const t = await ready();
    f.roster.down = true;
    const reads = f.roster.reads;
    const kicks = f.kicks;
    const after = await run(f, kari, t);
    assert.equal(f.roster.reads, reads);
    const stored = await f.store.getTicket(t.id);
    assert.deepEqual(after, stored);
    assert.equal(stored?.history.at(-1)?.action, expect.action);
    assert.deepEqual(stored?.history.at(-1)?.actor, kari);
    assert.equal(f.kicks, kicks + 1);
  });

  it('refuses a ticket that does not exist (not-found)', async () => {
    const t = await ready();
    await assert.rejects(run(f, kari, { ...t, id: 'UT-2026-9999' }), refusedWith('not-found'));
  });
}
