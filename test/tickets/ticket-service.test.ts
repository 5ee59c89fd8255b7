import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import type { OutboxMessage } from '../../src/outbox/types.js';
import { DomainError } from '../../src/domain-error.js';
import type { Actor } from '../../src/tickets/model.js';
import type { TeamMember } from '../../src/tickets/team-roster.js';
import { StaleTicketError, TicketService, type CreateTicketProps } from '../../src/tickets/ticket-service.js';
import { validIdentityNumber } from '../helpers/identity.js';

/** Team members as the commands hand them over once the roster has confirmed them (test/tickets/commands checks that part). */
const member = (a: Actor): TeamMember => a as TeamMember;
const veileder: Actor = { id: 'aad-kari', name: 'Kari Veileder' };
const otherVeileder: Actor = { id: 'aad-per', name: 'Per Veileder' };
const ola = member({ id: 'aad-ola', name: 'Ola Rådgiver' });
const siri = member({ id: 'aad-siri', name: 'Siri Rådgiver' });

const props = (over: Partial<CreateTicketProps> = {}): CreateTicketProps => ({
  question: 'Bruker (34) har jobbet 8 år i barnehage. Kan hun ta fagbrev på jobb, eller må hun via realkompetansevurdering først?',
  section: 'fagopplaering',
  situation: { ageBand: '25+', grunnskole: 'ja', upperSecondary: 'delvis', norwegianLevel: 'B2' },
  office: 'NAV Fjordvik',
  consent: true,
  requester: { id: veileder.id, name: veileder.name, conversationKey: 'personal:a:kari' },
  ...over,
});

describe('tickets: lifecycle, concurrency and audit', function () {
  this.timeout(30_000);
  let dir: string;
  let store: LowdbStore;
  let now: Date;
  let svc: TicketService;
  const announced: string[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veiviser-tickets-'));
    store = await LowdbStore.open(dir);
    now = new Date('2026-11-20T09:00:00Z');
    announced.length = 0;
    svc = new TicketService({
      store,
      clock: () => now,
      reopenDays: 14,
      announce: (t, e): OutboxMessage[] => {
        announced.push(`${t.id}:${e.action}`);
        return [{ id: randomUUID(), createdAt: e.at, kind: 'post', conversationKey: 'channel:team', activity: { text: `${t.id} ${e.action}` }, ticketId: t.id, status: 'pending', attempts: 0, nextAttemptAt: e.at }];
      },
    });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates human-readable sequential ids per year, only with consent', async () => {
    const a = await svc.create(props());
    const b = await svc.create(props());
    assert.equal(a.id, 'UT-2026-0001');
    assert.equal(b.id, 'UT-2026-0002');
    assert.equal(a.state, 'ny');
    assert.equal(a.version, 1);
    await assert.rejects(svc.create(props({ consent: false })), (e: DomainError) => e.code === 'validation' && /samtykket/.test(e.message));
    now = new Date('2026-12-31T23:30:00Z'); // 00:30 on New Year's Day in Oslo
    assert.equal((await svc.create(props())).id, 'UT-2027-0001');
  });

  it('refuses identity numbers in any free-text field', async () => {
    const fnr = validIdentityNumber('121280');
    await assert.rejects(svc.create(props({ question: `Gjelder ${fnr}, kan hun ta fagbrev?` })), /fødselsnummer/);
    const t = await svc.create(props());
    await assert.rejects(svc.answer({ ticketId: t.id, actor: ola, text: `Bruker ${fnr} har rett`, expectedVersion: 1 }), /fødselsnummer/);
    assert.equal((await store.getTicket(t.id))?.version, 1);
  });

  it('goes through the whole lifecycle with an audit event for every change, announced in the same write', async () => {
    let t = await svc.create(props());
    t = await svc.take({ ticketId: t.id, actor: ola, expectedVersion: t.version });
    assert.equal(t.state, 'tatt');
    assert.equal(t.owner?.name, 'Ola Rådgiver');
    t = await svc.askVeileder({ ticketId: t.id, actor: ola, text: 'Hvor mange år har hun jobbet som assistent, og i hvilken stillingsprosent?', expectedVersion: t.version });
    assert.equal(t.state, 'venter');
    t = await svc.addInfo({ ticketId: t.id, actor: veileder, text: 'Åtte år i 80 % stilling.', expectedVersion: t.version });
    assert.equal(t.state, 'tatt');
    t = await svc.answer({ ticketId: t.id, actor: ola, text: 'Fagbrev på jobb passer: hun har mer enn nok praksis. Vi vurderer realkompetansen hennes først.', expectedVersion: t.version });
    assert.equal(t.state, 'besvart');
    assert.equal(t.answer?.by.name, 'Ola Rådgiver');
    t = await svc.resolve({ ticketId: t.id, actor: veileder, expectedVersion: t.version });
    assert.equal(t.state, 'lukket');
    assert.equal(t.version, 6);
    assert.deepEqual(t.history.map((e) => e.action), ['opprettet', 'tatt', 'spurt', 'info-lagt-til', 'besvart', 'lost']);
    assert.deepEqual(announced, t.history.map((e) => `${t.id}:${e.action}`));
    // Survives a restart: the ticket, its history and the outbox messages are on disk.
    await store.close();
    const again = await LowdbStore.open(dir);
    assert.equal((await again.getTicket(t.id))?.history.length, 6);
    assert.equal((await again.listOutbox()).length, 6);
    store = again;
  });

  it('lets exactly one of many concurrent "Ta saken" win; the others see who took it', async () => {
    const t = await svc.create(props());
    const members = Array.from({ length: 50 }, (_, i) => member({ id: `aad-m${i}`, name: `Medlem ${i}` }));
    const results = await Promise.allSettled(members.map((actor) => svc.take({ ticketId: t.id, actor, expectedVersion: 1 })));
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    const owner = (won[0] as PromiseFulfilledResult<{ owner?: { name: string } }>).value.owner?.name;
    for (const r of results.filter((x) => x.status === 'rejected')) {
      const e = (r as PromiseRejectedResult).reason;
      assert.ok(e instanceof StaleTicketError);
      assert.equal(e.current.owner?.name, owner);
    }
    const final = await store.getTicket(t.id);
    assert.equal(final?.version, 2);
    assert.equal(final?.history.filter((e) => e.action === 'tatt').length, 1);
  });

  it('gives 1,000 concurrently created tickets 1,000 distinct sequential ids', async () => {
    const created = await Promise.all(Array.from({ length: 1000 }, () => svc.create(props())));
    const ids = new Set(created.map((t) => t.id));
    assert.equal(ids.size, 1000);
    assert.deepEqual(created.map((t) => t.number).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('changes nothing on a stale action', async () => {
    const t = await svc.create(props());
    await svc.take({ ticketId: t.id, actor: ola, expectedVersion: 1 });
    await assert.rejects(svc.close({ ticketId: t.id, actor: siri, expectedVersion: 1 }), (e: StaleTicketError) => e instanceof StaleTicketError && e.current.owner?.name === 'Ola Rådgiver');
    assert.equal((await store.getTicket(t.id))?.state, 'tatt');
  });

  it('allows veileder actions only to the requester (team membership: see the commands)', async () => {
    const t = await svc.create(props());
    await assert.rejects(svc.withdraw({ ticketId: t.id, actor: otherVeileder, expectedVersion: 1 }), (e: DomainError) => e.code === 'forbidden');
    await assert.rejects(svc.withdraw({ ticketId: t.id, actor: ola, expectedVersion: 1 }), (e: DomainError) => e.code === 'forbidden');
    const w = await svc.withdraw({ ticketId: t.id, actor: veileder, expectedVersion: 1 });
    assert.equal(w.state, 'trukket');
    assert.equal((await store.getTicket(t.id))?.history.length, 2);
  });

  it('refuses actions that do not fit the state', async () => {
    const t = await svc.create(props());
    await assert.rejects(svc.resolve({ ticketId: t.id, actor: veileder, expectedVersion: 1 }), (e: DomainError) => e.code === 'transition');
    await assert.rejects(svc.take({ ticketId: 'UT-2026-9999', actor: ola, expectedVersion: 1 }), (e: DomainError) => e.code === 'not-found');
  });

  it('assigns to a colleague, and reopens within the follow-up period only', async () => {
    let t = await svc.create(props());
    t = await svc.assign({ ticketId: t.id, actor: ola, assignee: siri, expectedVersion: t.version });
    assert.equal(t.owner?.name, 'Siri Rådgiver');
    t = await svc.answer({ ticketId: t.id, actor: siri, text: 'Ja, hun kan søke.', expectedVersion: t.version });
    now = new Date('2026-11-25T09:00:00Z');
    t = await svc.reopen({ ticketId: t.id, actor: veileder, text: 'Hva med søknadsfristen?', expectedVersion: t.version });
    assert.equal(t.state, 'tatt');
    assert.equal(t.owner?.name, 'Siri Rådgiver');
    t = await svc.answer({ ticketId: t.id, actor: siri, text: 'Fristen er 1. mars.', expectedVersion: t.version });
    now = new Date('2027-01-20T09:00:00Z');
    await assert.rejects(svc.reopen({ ticketId: t.id, actor: veileder, text: 'En ting til', expectedVersion: t.version }), /14 dager/);
  });

  it('records a permanent delivery failure on the ticket', async () => {
    const t = await svc.create(props());
    await svc.markDeliveryProblem(t.id, '403: brukeren har fjernet appen');
    const after = await store.getTicket(t.id);
    assert.equal(after?.deliveryProblem, '403: brukeren har fjernet appen');
    assert.equal(after?.history.at(-1)?.action, 'leveringsfeil');
  });

  it('re-announces a ticket nobody has taken after 4 working hours, not counting the weekend', async () => {
    now = new Date('2026-11-20T13:00:00Z'); // Friday 14:00 in Oslo
    const t = await svc.create(props());
    now = new Date('2026-11-23T08:00:00Z'); // Monday 09:00: 2 + 1 working hours
    assert.deepEqual(await svc.remindUntaken(4), []);
    now = new Date('2026-11-23T10:00:00Z'); // Monday 11:00: 4 working hours
    assert.deepEqual(await svc.remindUntaken(4), [t.id]);
    assert.deepEqual(await svc.remindUntaken(4), [], 'not again before another 4 working hours');
    assert.ok(announced.includes(`${t.id}:purret`));
    const taken = await svc.create(props());
    await svc.take({ ticketId: taken.id, actor: ola, expectedVersion: 1 });
    now = new Date('2026-11-25T10:00:00Z');
    assert.ok(!(await svc.remindUntaken(4)).includes(taken.id), 'a taken ticket is not re-announced');
  });

  it('deletes the free text of closed tickets after the retention period and keeps the counts', async () => {
    let t = await svc.create(props());
    t = await svc.answer({ ticketId: t.id, actor: ola, text: 'Hun kan ta fagbrev på jobb.', expectedVersion: 1 });
    t = await svc.resolve({ ticketId: t.id, actor: veileder, expectedVersion: t.version });
    now = new Date('2027-04-01T09:00:00Z');
    assert.deepEqual(await svc.redactClosed(180), []);
    now = new Date('2027-06-01T09:00:00Z');
    assert.deepEqual(await svc.redactClosed(180), [t.id]);
    const after = await store.getTicket(t.id);
    assert.ok(!after?.question.includes('barnehage'));
    assert.equal(after?.answer?.text, '', 'the answer text is gone');
    assert.equal(after?.answer?.by.name, 'Utdanningsteamet', 'names become roles');
    assert.equal(after?.requester.name, 'Veileder');
    assert.ok(after?.history.every((e) => e.note === undefined));
    assert.ok(!JSON.stringify(after).includes(ola.name) && !JSON.stringify(after).includes(veileder.name));
    assert.equal(after?.section, 'fagopplaering');
    assert.equal(after?.office, 'NAV Fjordvik');
    assert.equal(after?.history.length, 3);
  });

  it('closes an answered ticket nobody reacts to after the set number of days, and tells the veileder', async () => {
    let t = await svc.create(props());
    t = await svc.answer({ ticketId: t.id, actor: ola, text: 'Hun kan ta fagbrev på jobb.', expectedVersion: 1 });
    const answeredAt = Date.parse(t.answer!.at);
    now = new Date(answeredAt + 13 * 86_400_000);
    assert.deepEqual(await svc.closeIdleAnswered(14), [], 'not yet');
    now = new Date(answeredAt + 14 * 86_400_000 + 60_000);
    assert.deepEqual(await svc.closeIdleAnswered(14), [t.id]);
    const closed = await store.getTicket(t.id);
    assert.equal(closed?.state, 'lukket');
    assert.equal(closed?.closedAt, now.toISOString(), 'retention counts from here');
    assert.deepEqual(closed?.history.at(-1), { at: now.toISOString(), actor: { id: 'veiviser', name: 'Veiviser' }, action: 'lukket', from: 'besvart', to: 'lukket' });
    assert.ok(announced.includes(`${t.id}:lukket`), 'announced: the channel card follows, the veileder is told');
  });
});
