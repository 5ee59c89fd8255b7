import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { LOCK_STALE_MS, LowdbStore, readLowdbState } from '../../src/store/lowdb-store.js';
import { StoreCorruptError, StoreLockedError, type QuestionRecord } from '../../src/store/store.js';
import { outboxOf, storeContract, ticketOf } from './contract.js';

const question = (id: string): QuestionRecord => ({ id, at: new Date().toISOString(), userHash: 'h', conversationType: 'personal', outcome: 'answer' });

describe('lowdb store', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'veiviser-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps questions and feedback across a restart', async () => {
    const s = await LowdbStore.open(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.recordQuestion(question(`q${i}`))));
    await s.setFeedback('q7', false, '2026-11-21T10:00:00.000Z');
    assert.equal(await s.setFeedback('missing', true, 'x'), undefined);
    await s.close();
    const again = await LowdbStore.open(dir);
    assert.equal((await again.listQuestions()).length, 20);
    assert.deepEqual((await again.getQuestion('q7'))?.feedback, { helpful: false, at: '2026-11-21T10:00:00.000Z' });
  });

  it('applies a crawl: upserts and removals in one write, with the report', async () => {
    const s = await LowdbStore.open(dir);
    const page = (url: string, hash = 'h') => ({ url, title: 't', hash, simhash: '0', sections: [], links: [], fetchedAt: 'now' });
    const report = { startUrl: 'http://x/', startedAt: '', finishedAt: '', durationMs: 1, fetched: 2, new: 2, changed: 0, unchanged: 0, removed: 0, failed: [], skipped: [], pages: 2, sections: 0 };
    await s.applyCrawl({ upserted: [page('http://x/a'), page('http://x/b')], removed: [], report });
    await s.applyCrawl({ upserted: [page('http://x/a', 'h2')], removed: ['http://x/b'], report: { ...report, removed: 1 } });
    const again = await LowdbStore.open(dir);
    assert.deepEqual((await again.listPages()).map((p) => [p.url, p.hash]), [['http://x/a', 'h2']]);
    assert.equal((await again.lastCrawlReport())?.removed, 1);
  });

  it('stops with a clear error on a broken data file and never overwrites it', async () => {
    const file = join(dir, 'veiviser.json');
    writeFileSync(file, '{"version":1,"questions":[{"id":"q1"');
    await assert.rejects(LowdbStore.open(dir), (e: Error) => e instanceof StoreCorruptError && e.message.includes('veiviser.json') && /ødelagt/.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), '{"version":1,"questions":[{"id":"q1"');
    writeFileSync(file, '[]');
    await assert.rejects(LowdbStore.open(dir), StoreCorruptError);
  });

  it('a lock from another host (a replaced container on the same volume) is respected while its owner refreshes it, and taken over once it is a minute old', async () => {
    const lock = join(dir, 'veiviser.lock');
    writeFileSync(lock, JSON.stringify({ pid: 1, host: 'container-old', at: new Date().toISOString() }));
    // Its owner's last beat, on the process clock as beats are (the suite also runs under faketime).
    utimesSync(lock, new Date(), new Date());
    await assert.rejects(LowdbStore.open(dir), (e: Error) => e instanceof StoreLockedError && /pid 1 på container-old/.test(e.message) && /DATABASE_URL/.test(e.message));
    const stale = new Date(Date.now() - LOCK_STALE_MS - 1_000);
    utimesSync(lock, stale, stale);
    const s = await LowdbStore.open(dir);
    assert.deepEqual(JSON.parse(readFileSync(lock, 'utf8')).pid, process.pid, 'taken over');
    await s.close();
    assert.ok(!existsSync(lock));
    // An empty lock (cut off by a crash while it was written) names nobody: taken over too.
    writeFileSync(lock, '');
    const again = await LowdbStore.open(dir);
    assert.equal(JSON.parse(readFileSync(lock, 'utf8')).pid, process.pid);
    await again.close();
  });

  it('the owner refreshes its lock; if another process takes it over, the owner is told once and its close leaves the new lock alone', async () => {
    const lock = join(dir, 'veiviser.lock');
    let lost = 0;
    const s = await LowdbStore.open(dir, { lockHeartbeatMs: 20, onLockLost: () => lost++ });
    const old = new Date(Date.now() - 30_000);
    utimesSync(lock, old, old);
    for (let i = 0; i < 100 && Date.now() - statSync(lock).mtimeMs > 10_000; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(Date.now() - statSync(lock).mtimeMs < 10_000, 'refreshed');
    // Deleted by hand: written again, not taken as lost.
    rmSync(lock);
    for (let i = 0; i < 100 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(JSON.parse(readFileSync(lock, 'utf8')).pid, process.pid, 'written again');
    assert.equal(lost, 0);
    await s.createTicket(2026, (n) => ticketOf(2026, n));
    const other = JSON.stringify({ pid: 1, host: 'container-new', at: new Date().toISOString() });
    writeFileSync(lock, other);
    utimesSync(lock, new Date(), new Date());
    for (let i = 0; i < 100 && lost === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(lost, 1);
    await s.close();
    assert.equal(readFileSync(lock, 'utf8'), other, 'the new owner\'s lock is kept');
    assert.ok(!existsSync(join(dir, 'veiviser.json')), 'and its directory not written by the old owner\'s close (the ticket stays in the journal)');
  });
});

/** Every file under a directory, read as text (what retention must leave clean). */
function everythingUnder(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

/** The prototype of fs/promises' FileHandle, for spying on sync/datasync. */
async function fileHandleProto(dir: string): Promise<{ sync: () => Promise<void>; datasync: () => Promise<void> }> {
  const fh = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(fh) as { sync: () => Promise<void>; datasync: () => Promise<void> };
  await fh.close();
  rmSync(join(dir, 'probe'));
  return proto;
}

const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('lowdb store layout: a write touches only what it changes', () => {
  let dir: string;
  const AT = '2026-11-20T09:00:00.000Z';
  /** A data directory as Veiviser wrote it before the question log (everything in one pretty-printed file). */
  const OLD = {
    version: 1,
    questions: [
      { id: 'q-answered', at: '2026-10-03T08:00:00.000Z', userHash: 'h1', conversationType: 'personal', outcome: 'answer', feedback: { helpful: true, at: '2026-10-03T08:01:00.000Z' } },
      { id: 'q-open', at: '2026-11-14T09:00:00.000Z', userHash: 'h2', conversationType: 'personal', outcome: 'escalate', text: 'gammeltekstmigrert' },
      { id: 'q-new', at: '2026-11-20T09:00:00.000Z', userHash: 'h2', conversationType: 'personal', outcome: 'clarify', text: 'nyeretekstmigrert', choice: { rank: -1, at: AT } },
    ],
    conversations: { 'personal:kari': { key: 'personal:kari', reference: { a: 1 }, updatedAt: AT } },
    tickets: [ticketOf(2026, 1), ticketOf(2026, 2, { state: 'lukket', closedAt: AT })],
    ticketSeq: { 2026: 2 },
    outbox: [outboxOf('ob-pending', { ticketId: 'UT-2026-0002', activity: { text: 'korttekstut' } }), outboxOf('ob-sent', { status: 'sent', activity: {}, deliveredActivityId: 'a1', card: 'channel', ticketId: 'UT-2026-0001' })],
    channels: [{ conversationKey: 'channel:c', teamId: 't', channelId: 'c', sections: [], regions: [], setBy: { id: 'x', name: 'X' }, setAt: AT }],
    veiledere: { h2: { userHash: 'h2', office: 'NAV Lia', updatedAt: AT } },
    secrets: { ics: 'hemmelig' },
    bookings: [], bookingSeq: {}, calendarEvents: {}, workingHours: {},
  };
  const oldText = JSON.stringify(OLD, null, 2);
  const appFile = () => JSON.parse(readFileSync(join(dir, 'veiviser.json'), 'utf8')) as Record<string, unknown> & { migratedFrom?: { at: string; until: string } };
  const backup = () => join(dir, 'backup', 'veiviser-v1.json');

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'veiviser-layout-'))));
  afterEach(() => {
    sinon.restore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates a data directory in the one-file layout at open, once, keeping a backup', async () => {
    writeFileSync(join(dir, 'veiviser.json'), oldText);
    let s = await LowdbStore.open(dir);
    assert.deepEqual((await s.listQuestions()).map((q) => q.id), ['q-answered', 'q-open', 'q-new']);
    assert.deepEqual((await s.getQuestion('q-answered'))?.feedback, OLD.questions[0].feedback);
    assert.deepEqual((await s.getQuestion('q-new'))?.choice, { rank: -1, at: AT });
    assert.equal((await s.getQuestion('q-open'))?.text, 'gammeltekstmigrert');
    assert.deepEqual((await s.listTickets()).map((t) => t.id), ['UT-2026-0001', 'UT-2026-0002']);
    assert.deepEqual((await s.getConversation('personal:kari'))?.reference, { a: 1 });
    assert.equal(await s.secret('ics'), 'hemmelig');
    assert.equal((await s.getVeilederProfile('h2'))?.office, 'NAV Lia');
    assert.deepEqual((await s.listEscalationChannels()).map((c) => c.channelId), ['c']);
    assert.deepEqual((await s.listUndeliveredOutbox()).map((m) => m.id), ['ob-pending']);
    assert.deepEqual((await s.listTicketCards('UT-2026-0001')).map((m) => m.id), ['ob-sent']);
    assert.equal((await s.createTicket(2026, (n) => ticketOf(2026, n))).number, 3, 'numbering goes on');
    assert.equal(readFileSync(backup(), 'utf8'), oldText, 'the backup is the old file as it was');
    assert.ok(!readFileSync(join(dir, 'veiviser.json'), 'utf8').includes('korttekstut'), 'an undelivered message\'s text moved to its own file');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'outbox', 'ob-pending.json'), 'utf8')), { text: 'korttekstut' });
    assert.deepEqual((await s.getOutboxMessage('ob-pending'))?.activity, { text: 'korttekstut' });
    const migrated = appFile();
    assert.equal(migrated.version, 2);
    assert.equal(migrated.questions, undefined, 'the questions left veiviser.json');
    assert.deepEqual(readdirSync(join(dir, 'questions')).sort(), ['2026-10.jsonl', '2026-11.jsonl']);
    const at = migrated.migratedFrom?.at;
    assert.ok(at);
    await s.close();
    const backupTime = statSync(backup()).mtimeMs;

    s = await LowdbStore.open(dir);
    assert.equal(appFile().migratedFrom?.at, at, 'the second open does not migrate again');
    assert.equal(statSync(backup()).mtimeMs, backupTime, 'nor write the backup again');
    assert.deepEqual((await s.listQuestions()).map((q) => q.id), ['q-answered', 'q-open', 'q-new']);
    assert.equal((await s.listTickets()).length, 3);
    await s.close();
  });

  it('a migration cut off before it was committed is done again at the next open, with the same result', async () => {
    writeFileSync(join(dir, 'veiviser.json'), oldText);
    // The crash came after one month file was written, and mid-way through another's temporary file.
    mkdirSync(join(dir, 'questions'));
    writeFileSync(join(dir, 'questions', '2026-11.jsonl'), `${JSON.stringify({ q: OLD.questions[1] })}\n`);
    writeFileSync(join(dir, 'questions', '2026-10.jsonl.tmp'), '{"q":{"id":"q-ans');
    writeFileSync(join(dir, 'veiviser.json.tmp'), '{"version":2,"conv');
    const s = await LowdbStore.open(dir);
    assert.deepEqual((await s.listQuestions()).map((q) => q.id).sort(), ['q-answered', 'q-new', 'q-open']);
    assert.equal(lines(join(dir, 'questions', '2026-11.jsonl')).length, 2, 'no question twice');
    assert.ok(!existsSync(join(dir, 'veiviser.json.tmp')) && !existsSync(join(dir, 'questions', '2026-10.jsonl.tmp')), 'leftover temporary files removed');
    assert.equal(appFile().version, 2);
    await s.close();
  });

  it('the backup is deleted after BACKUP_DAYS, or as soon as retention reaches a text it holds', async () => {
    const migrate = async (): Promise<LowdbStore> => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      writeFileSync(join(dir, 'veiviser.json'), oldText);
      const s = await LowdbStore.open(dir);
      assert.ok(existsSync(backup()));
      return s;
    };
    // Seven days on.
    let s = await migrate();
    await s.close();
    const f = appFile();
    f.migratedFrom!.until = new Date(Date.now() - 1000).toISOString();
    writeFileSync(join(dir, 'veiviser.json'), JSON.stringify(f));
    s = await LowdbStore.open(dir);
    assert.ok(!existsSync(backup()), 'gone after its days');
    assert.equal(readLowdbState(dir).migratedFrom, undefined);
    await s.close();

    // A question text it holds reaches its retention: the text is gone from every file at once.
    s = await migrate();
    assert.equal(await s.redactQuestionTexts('2026-11-15T00:00:00.000Z'), 1);
    assert.ok(!existsSync(backup()));
    const all = everythingUnder(dir);
    assert.ok(!all.includes('gammeltekstmigrert'), 'the redacted text is in no file');
    assert.ok(all.includes('nyeretekstmigrert'), 'the younger text stays');
    await s.close();

    // A message with text it holds is delivered (its text deleted in the same write).
    s = await migrate();
    await s.settleOutbox('ob-pending', { status: 'sent', activity: {}, deliveredActivityId: 'a2' });
    assert.ok(!existsSync(backup()));
    assert.ok(!everythingUnder(dir).includes('korttekstut'));
    await s.close();

    // A ticket it holds is redacted.
    s = await migrate();
    assert.ok((await s.updateTicket('UT-2026-0002', 1, (t) => ({ ...t, question: '', redactedAt: AT }))).ok);
    assert.ok(!existsSync(backup()));
    await s.close();
  });

  it('a question, its feedback and its choice append one line each to the month file; the state is not written', async () => {
    const s = await LowdbStore.open(dir);
    await s.createTicket(2026, (n) => ticketOf(2026, n));
    const before = statSync(join(dir, 'veiviser.journal'));
    await s.recordQuestion({ id: 'q1', at: AT, userHash: 'h', conversationType: 'personal', outcome: 'answer' });
    const month = join(dir, 'questions', '2026-11.jsonl');
    assert.equal(lines(month).length, 1);
    assert.equal((await s.setFeedback('q1', false, AT))?.feedback?.helpful, false);
    assert.equal((await s.setChoice('q1', 1, AT))?.choice?.rank, 1);
    assert.equal(lines(month).length, 3);
    const after = statSync(join(dir, 'veiviser.journal'));
    assert.equal(after.size, before.size);
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.ok(!existsSync(join(dir, 'veiviser.json')), 'no checkpoint either');
    await s.close();
    const again = await LowdbStore.open(dir);
    assert.deepEqual(await again.getQuestion('q1'), { id: 'q1', at: AT, userHash: 'h', conversationType: 'personal', outcome: 'answer', feedback: { helpful: false, at: AT }, choice: { rank: 1, at: AT } });
    await again.close();
  });

  it('retention rewrites only the month files that hold a text past its time', async () => {
    const s = await LowdbStore.open(dir);
    const q = (id: string, at: string, text?: string): QuestionRecord => ({ id, at, userHash: 'h', conversationType: 'personal', outcome: 'escalate', ...(text ? { text } : {}) });
    await s.recordQuestion(q('jan', '2026-01-10T10:00:00.000Z', 'januartekst'));
    await s.recordQuestion(q('feb', '2026-02-10T10:00:00.000Z'));
    await s.recordQuestion(q('mar', '2026-03-10T10:00:00.000Z', 'marstekst'));
    await s.setFeedback('jan', true, '2026-01-10T10:01:00.000Z');
    const file = (m: string) => join(dir, 'questions', `${m}.jsonl`);
    const ino = (m: string) => statSync(file(m)).ino;
    const [feb, mar] = [ino('2026-02'), ino('2026-03')];
    assert.equal(await s.redactQuestionTexts('2026-03-01T00:00:00.000Z'), 1);
    assert.ok(!readFileSync(file('2026-01'), 'utf8').includes('januartekst'));
    assert.equal(lines(file('2026-01')).length, 1, 'the rewritten file holds the record with its feedback folded in');
    assert.equal(ino('2026-02'), feb, 'a month without texts is not rewritten');
    assert.equal(ino('2026-03'), mar, 'nor a month whose texts are not due');
    assert.equal(await s.redactQuestionTexts('2026-03-01T00:00:00.000Z'), 0);
    await s.close();
    const again = await LowdbStore.open(dir);
    assert.deepEqual(await again.getQuestion('jan'), { ...q('jan', '2026-01-10T10:00:00.000Z'), feedback: { helpful: true, at: '2026-01-10T10:01:00.000Z' } });
    assert.equal((await again.getQuestion('mar'))?.text, 'marstekst');
    await again.close();
  });

  it('a line cut off by a crash is dropped at open; a broken line before good ones stops the store and is left as it was', async () => {
    const s = await LowdbStore.open(dir);
    await s.recordQuestion(question('q1'));
    await s.recordQuestion(question('q2'));
    await s.close();
    const [name] = readdirSync(join(dir, 'questions'));
    const file = join(dir, 'questions', name);
    appendFileSync(file, '{"q":{"id":"half');
    const again = await LowdbStore.open(dir);
    assert.deepEqual((await again.listQuestions()).map((q) => q.id), ['q1', 'q2']);
    assert.ok(readFileSync(file, 'utf8').endsWith('}\n') && !readFileSync(file, 'utf8').includes('half'));
    await again.close();
    const [first, second] = lines(file);
    const broken = `${first}\n{"q":{"id":\n${second}\n`;
    writeFileSync(file, broken);
    await assert.rejects(LowdbStore.open(dir), (e: Error) => e instanceof StoreCorruptError && e.message.includes(name) && /linje 2/.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), broken);
  });

  it('acknowledged means durable against power loss: a line is fdatasynced before it is acknowledged; a checkpoint fsyncs the file before the rename and the directory after it', async () => {
    const proto = await fileHandleProto(dir);
    const s = await LowdbStore.open(dir);
    const sync = sinon.spy(proto, 'sync');
    const datasync = sinon.spy(proto, 'datasync');
    await s.recordQuestion(question('q1'));
    assert.deepEqual([datasync.callCount, sync.callCount], [1, 1], 'the question line; the directory, for the new month file');
    await s.createTicket(2026, (n) => ticketOf(2026, n));
    assert.deepEqual([datasync.callCount, sync.callCount], [2, 2], 'the journal line; the directory, for the new journal');
    await s.createTicket(2026, (n) => ticketOf(2026, n));
    assert.deepEqual([datasync.callCount, sync.callCount], [3, 2], 'one line');
    await s.close();
    assert.equal(sync.callCount, 6, 'the checkpoint at close: veiviser.json (temporary file, directory), the journal emptied (the same)');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'veiviser.json'), 'utf8')).tickets.length, 2);
    assert.equal(readFileSync(join(dir, 'veiviser.journal'), 'utf8'), '');
  });

  it('the journal: lines replayed at open after a crash; a checkpoint when it has grown as big as veiviser.json; one at once when a ticket is redacted', async () => {
    let s = await LowdbStore.open(dir);
    await s.createTicket(2026, (n) => ticketOf(2026, n, { question: 'journaltekst' }));
    await s.updateTicket('UT-2026-0001', 1, (t) => ({ ...t, state: 'tatt' }));
    // A crash: no clean close, the lock left behind (this process holds it; a dead one would be taken over the same way).
    assert.ok(readFileSync(join(dir, 'veiviser.journal'), 'utf8').includes('journaltekst'));
    assert.ok(!existsSync(join(dir, 'veiviser.json')));
    rmSync(join(dir, 'veiviser.lock'));
    s = await LowdbStore.open(dir);
    assert.equal((await s.getTicket('UT-2026-0001'))?.state, 'tatt', 'replayed');
    assert.equal(readFileSync(join(dir, 'veiviser.journal'), 'utf8'), '', 'and folded into veiviser.json at open');
    // Growth: the journal is checkpointed once it holds as much as veiviser.json (at least 1 MB).
    const big = 'x'.repeat(20_000);
    for (let i = 0; i < 60; i++) await s.createTicket(2026, (n) => ticketOf(2026, n, { question: big }));
    assert.ok(statSync(join(dir, 'veiviser.journal')).size < 1 << 20, 'checkpointed on the way');
    assert.ok(statSync(join(dir, 'veiviser.json')).size > 1 << 20);
    // Retention: the redacting write is a checkpoint, so the text is in no file when it resolves.
    assert.ok(everythingUnder(dir).includes('journaltekst'));
    const t = (await s.getTicket('UT-2026-0001'))!;
    assert.ok((await s.updateTicket(t.id, t.version, (x) => ({ ...x, question: '[slettet]', redactedAt: new Date().toISOString() }))).ok);
    assert.ok(!everythingUnder(dir).includes('journaltekst'));
    await s.close();
  });

  it('an undelivered message\'s text is in its own file, never in the state\'s files, and gone once its delivery is recorded', async () => {
    let s = await LowdbStore.open(dir);
    await s.createTicket(2026, (n) => ticketOf(2026, n), (t) => [outboxOf('card-1', { ticketId: t.id, activity: { text: 'kortteksten' } }), outboxOf('card-2', { activity: { text: 'andreteksten' } })]);
    assert.deepEqual(readdirSync(join(dir, 'outbox')).sort(), ['card-1.json', 'card-2.json']);
    assert.ok(!readFileSync(join(dir, 'veiviser.journal'), 'utf8').includes('kortteksten'), 'the journal holds ids and states only');
    await s.settleOutbox('card-1', { status: 'sent', activity: {}, deliveredActivityId: 'a1' });
    assert.ok(!everythingUnder(dir).includes('kortteksten'), 'the text went with the write that recorded the delivery');
    await s.close();
    assert.ok(!readFileSync(join(dir, 'veiviser.json'), 'utf8').includes('andreteksten'));
    // Left by a crash: a file of a message never enqueued (its write failed), and one of a message already delivered.
    writeFileSync(join(dir, 'outbox', 'never-enqueued.json'), '{"text":"foreldreløs"}');
    writeFileSync(join(dir, 'outbox', 'card-1.json'), '{"text":"kortteksten"}');
    s = await LowdbStore.open(dir);
    assert.deepEqual(readdirSync(join(dir, 'outbox')), ['card-2.json'], 'files no undelivered message needs are removed at open');
    assert.deepEqual((await s.claimOutbox(new Date('2026-11-20T10:00:00.000Z'), 60_000, 10)).map((m) => [m.id, m.activity]), [['card-2', { text: 'andreteksten' }]], 'an undelivered message gets its text back');
    await s.close();
  });

  it('group commit: changes that arrive together share one write, and all of them are durable', async () => {
    const proto = await fileHandleProto(dir);
    const s = await LowdbStore.open(dir);
    const datasync = sinon.spy(proto, 'datasync');
    await Promise.all(Array.from({ length: 200 }, (_, i) => s.createTicket(2026, (n) => ticketOf(2026, n), (t) => [outboxOf(`ob-${i}`, { ticketId: t.id })])));
    await Promise.all(Array.from({ length: 200 }, (_, i) => s.recordQuestion(question(`q${i}`))));
    const { writes, changes } = s.commitStats();
    assert.equal(changes, 200);
    assert.ok(writes <= 10, `200 ticket creations in ${writes} writes`);
    assert.ok(datasync.callCount <= 10, `200 questions in ${datasync.callCount} appends`);
    await s.close();
    const again = await LowdbStore.open(dir);
    assert.deepEqual((await again.listTickets()).map((t) => t.number), Array.from({ length: 200 }, (_, i) => i + 1));
    assert.equal((await again.listOutbox()).length, 200);
    assert.equal((await again.listQuestions()).length, 200);
    await again.close();
  });

  it('a write that fails changes nothing, in memory or on disk, and the next write works', async () => {
    const proto = await fileHandleProto(dir);
    const s = await LowdbStore.open(dir);
    await s.recordQuestion(question('q0'));
    await s.saveConversation({ key: 'k', reference: {}, updatedAt: 'x' });
    const eio = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const datasync = sinon.stub(proto, 'datasync');
    datasync.onFirstCall().rejects(eio);
    datasync.onSecondCall().rejects(eio);
    datasync.callThrough();
    const journal = statSync(join(dir, 'veiviser.journal')).size;
    await assert.rejects(s.createTicket(2026, (n) => ticketOf(2026, n), (t) => [outboxOf('ob-1', { ticketId: t.id })]), /EIO/);
    assert.deepEqual(await s.listTickets(), []);
    assert.deepEqual(await s.listOutbox(), []);
    assert.equal(statSync(join(dir, 'veiviser.journal')).size, journal, 'the line that failed is cut off the journal');

    const [name] = readdirSync(join(dir, 'questions'));
    const size = statSync(join(dir, 'questions', name)).size;
    await assert.rejects(s.recordQuestion(question('q-lost')), /EIO/);
    assert.equal(statSync(join(dir, 'questions', name)).size, size, 'the line that failed is cut off the month file');
    assert.equal(await s.getQuestion('q-lost'), undefined);

    assert.equal((await s.createTicket(2026, (n) => ticketOf(2026, n))).number, 1, 'the failed number is used again');
    await s.recordQuestion(question('q1'));
    await s.close();
    const again = await LowdbStore.open(dir);
    assert.deepEqual((await again.listQuestions()).map((q) => q.id), ['q0', 'q1']);
    assert.deepEqual((await again.listTickets()).map((t) => t.number), [1]);
    await again.close();
  });
});

storeContract('lowdb', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'veiviser-contract-'));
  let current = await LowdbStore.open(dir);
  return {
    store: current,
    async reopen() {
      await current.close();
      current = await LowdbStore.open(dir);
      return current;
    },
    async close() {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
