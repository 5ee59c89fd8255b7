/**
 * The outbox over real parts: a LowdbStore in a temp dir, a real (anonymous) CloudAdapter, the
 * BotSender, and a loopback server playing the Bot Connector whose answers are scripted per
 * request. Time is a controlled clock; passes are run one at a time with runOnce().
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { BotSender } from '../../src/outbox/bot-sender.js';
import { OutboxWorker, deliveryReasons, retryAfterMs, type OutboxWorkerOptions, type PermanentFailure } from '../../src/outbox/outbox.js';
import type { OutboxMessage } from '../../src/outbox/types.js';
import { createLogger } from '../../src/log.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';

interface Reply { status: number; headers?: Record<string, string>; body?: unknown }
interface Received { method: string; conversationId: string; activityId?: string; body: Record<string, unknown> }

/** A Bot Connector on loopback: answers from `script` in order, then 200 with a fresh id. */
async function startConnector() {
  const received: Received[] = [];
  const script: Reply[] = [];
  let ids = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
      received.push({ method: req.method ?? '', conversationId: decodeURIComponent(m?.[1] ?? ''), activityId: m?.[2] ? decodeURIComponent(m[2]) : undefined, body: JSON.parse(body || '{}') });
      const reply = script.shift() ?? { status: 200 };
      const payload = reply.body ?? (reply.status < 300 ? { id: `1700000000${String(++ids).padStart(3, '0')}` } : { error: { code: 'Fault', message: 'scripted failure' } });
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  return {
    url,
    received,
    script,
    posts: () => received.filter((r) => r.method === 'POST'),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const CHANNEL = 'channel:19:kanal@thread.tacv2';
const PERSONAL = 'personal:a:kari';
const SECRET_TEXT = 'Tekst som aldri skal stå i loggen';

describe('outbox: durable delivery through the Bot Connector', () => {
  let dir: string;
  let store: LowdbStore;
  let connector: Awaited<ReturnType<typeof startConnector>>;
  let adapter: CloudAdapter;
  let now: Date;
  let logs: string[];
  let turnErrors: Error[];
  let failures: { msg: OutboxMessage; failure: PermanentFailure }[];
  let workers: OutboxWorker[];

  const clock = () => now;
  const advance = (ms: number) => { now = new Date(now.getTime() + ms); };

  function worker(over: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
    const log = createLogger('debug', new Writable({ write(chunk: Buffer, _e, cb) { logs.push(chunk.toString('utf8')); cb(); } }));
    const w = new OutboxWorker({
      store,
      sender: new BotSender({ adapter, botAppId: '', store, log }),
      log,
      clock,
      random: () => 0.5,
      onPermanentFailure: async (msg, failure) => { failures.push({ msg, failure }); },
      ...over,
    });
    workers.push(w);
    return w;
  }

  function message(over: Partial<OutboxMessage> = {}): OutboxMessage {
    const at = now.toISOString();
    return { id: randomUUID(), createdAt: at, kind: 'post', conversationKey: CHANNEL, activity: { type: 'message', text: SECRET_TEXT }, status: 'pending', attempts: 0, nextAttemptAt: at, ...over };
  }

  async function saveConversations(s: LowdbStore): Promise<void> {
    const base = { channelId: 'msteams', serviceUrl: connector.url, bot: { id: '28:veiviser-bot', name: 'Veiviser' } };
    // Saved from a message in a channel thread, as TurnContext.getConversationReference gives it.
    await s.saveConversation({
      key: CHANNEL,
      updatedAt: now.toISOString(),
      reference: { ...base, activityId: '1699999999000', user: { id: '29:user-ola' }, conversation: { id: '19:kanal@thread.tacv2;messageid=1699999999000', conversationType: 'channel', isGroup: true, tenantId: 'tenant-fjordvik' } },
    });
    await s.saveConversation({
      key: PERSONAL,
      updatedAt: now.toISOString(),
      reference: { ...base, user: { id: '29:user-kari', aadObjectId: 'aad-kari' }, conversation: { id: 'a:kari', conversationType: 'personal', tenantId: 'tenant-fjordvik' } },
    });
  }

  const get = async (id: string) => (await store.getOutboxMessage(id)) as OutboxMessage;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veiviser-outbox-'));
    now = new Date('2026-03-02T08:00:00.000Z');
    logs = [];
    turnErrors = [];
    failures = [];
    workers = [];
    connector = await startConnector();
    adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    // As in app.ts: an onTurnError handler swallows errors thrown inside a turn.
    adapter.onTurnError = async (_ctx, err) => { turnErrors.push(err); };
    store = await LowdbStore.open(dir);
    await saveConversations(store);
  });

  afterEach(async () => {
    for (const w of workers) await w.stop();
    await store.close();
    await connector.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a message once on 200 and keeps the id the Bot Connector gave it', async () => {
    const m = message();
    await store.enqueueOutbox([m]);
    const w = worker();
    assert.equal(await w.runOnce(), 1);
    const sent = await get(m.id);
    assert.equal(sent.status, 'sent');
    assert.equal(sent.attempts, 1);
    assert.equal(sent.deliveredActivityId, '1700000000001');
    assert.equal(sent.deliveredAt, now.toISOString());
    assert.equal(sent.leaseUntil, undefined);
    // A new card goes to the channel itself, not into the thread the reference was saved from.
    assert.deepEqual(connector.posts().map((p) => p.conversationId), ['19:kanal@thread.tacv2']);
    assert.equal(connector.posts()[0].body.text, SECRET_TEXT);
    advance(3_600_000);
    assert.equal(await w.runOnce(), 0);
    assert.equal(connector.received.length, 1, 'never sent twice');
    assert.ok(logs.some((l) => l.includes('"outbox_sent"') && l.includes(m.id)));
    assert.ok(!logs.some((l) => l.includes(SECRET_TEXT)), 'logs never hold the activity text');
    assert.deepEqual(turnErrors, []);
  });

  it('retries a 503 with backoff and delivers on the retry (attempts = 2, one request per attempt)', async () => {
    const m = message({ conversationKey: PERSONAL });
    await store.enqueueOutbox([m]);
    connector.script.push({ status: 503 });
    const w = worker();
    await w.runOnce();
    let cur = await get(m.id);
    assert.equal(cur.status, 'pending');
    assert.equal(cur.attempts, 1);
    assert.equal(cur.lastError, '503 Fault');
    // botbuilder's own retry policy is out of the way: the 503 was one request, not four.
    assert.equal(connector.posts().length, 1);
    // Backoff: base 2 s with jitter between half and all of it (random 0.5 → 1.5 s).
    assert.equal(Date.parse(cur.nextAttemptAt) - now.getTime(), 1500);
    advance(1000);
    await w.runOnce();
    assert.equal(connector.posts().length, 1, 'not retried before the backoff is over');
    advance(500);
    await w.runOnce();
    cur = await get(m.id);
    assert.equal(cur.status, 'sent');
    assert.equal(cur.attempts, 2);
    assert.equal(cur.lastError, undefined);
    assert.equal(connector.posts().length, 2);
    assert.equal(connector.posts()[1].conversationId, 'a:kari');
    assert.deepEqual(failures, []);
  });

  it('honours Retry-After on 429: not retried before 30 s, delivered after', async () => {
    const m = message();
    await store.enqueueOutbox([m]);
    connector.script.push({ status: 429, headers: { 'Retry-After': '30' } });
    const w = worker();
    const t0 = now.getTime();
    await w.runOnce();
    const cur = await get(m.id);
    assert.equal(cur.status, 'pending');
    assert.equal(Date.parse(cur.nextAttemptAt), t0 + 30_000);
    for (const step of [1000, 10_000, 18_999]) {
      advance(step);
      await w.runOnce();
      assert.equal(connector.posts().length, 1, `not retried ${now.getTime() - t0} ms after the 429`);
    }
    advance(1);
    await w.runOnce();
    assert.equal((await get(m.id)).status, 'sent');
    assert.equal(connector.posts().length, 2);
  });

  it('fails a 403 at once, reports the reason and never retries', async () => {
    const m = message({ conversationKey: PERSONAL, ticketId: 'UT-2026-0001' });
    await store.enqueueOutbox([m]);
    connector.script.push({ status: 403, body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } } });
    const w = worker();
    await w.runOnce();
    const cur = await get(m.id);
    assert.equal(cur.status, 'failed');
    assert.equal(cur.attempts, 1);
    assert.equal(cur.lastError, deliveryReasons[403]);
    assert.match(cur.lastError ?? '', /^403: brukeren har fjernet appen/);
    assert.equal(failures.length, 1);
    assert.equal(failures[0].msg.id, m.id);
    assert.equal(failures[0].msg.ticketId, 'UT-2026-0001');
    assert.deepEqual(failures[0].failure, { reason: deliveryReasons[403], cause: 'rejected', status: 403 });
    for (let i = 0; i < 3; i++) {
      advance(24 * 3_600_000);
      await w.runOnce();
    }
    assert.equal(connector.received.length, 1, 'never retried');
    assert.equal(failures.length, 1, 'reported once');
    assert.deepEqual(turnErrors, [], 'the error did not leak into onTurnError');
  });

  it('survives a restart: pending on disk after a 503, delivered exactly once by the next process', async () => {
    const m = message();
    await store.enqueueOutbox([m]);
    connector.script.push({ status: 503 }, { status: 503 });
    const first = worker();
    await first.runOnce();
    assert.equal((await get(m.id)).status, 'pending');
    await first.stop();
    await store.close();

    advance(60_000);
    store = await LowdbStore.open(dir);
    const second = worker();
    await second.runOnce(); // the connector still answers 503
    assert.equal((await get(m.id)).attempts, 2);
    await second.stop();
    await store.close();

    // Third process, connector healthy again.
    advance(60_000);
    store = await LowdbStore.open(dir);
    const third = worker();
    for (let i = 0; i < 5; i++) {
      await third.runOnce();
      advance(60_000);
    }
    const cur = await get(m.id);
    assert.equal(cur.status, 'sent');
    assert.equal(cur.attempts, 3);
    const answered200 = connector.posts().length - 2;
    assert.equal(answered200, 1, 'delivered exactly once');
    assert.equal(connector.posts().length, 3);
  });

  it("sends an update with the post's delivered id, after the post, keeping the order per conversation", async () => {
    const post = message();
    const update = message({ kind: 'update', replaces: post.id, activity: { type: 'message', text: 'oppdatert kort' } });
    const later = message({ activity: { type: 'message', text: 'tredje' } });
    await store.enqueueOutbox([post, update, later]);
    connector.script.push({ status: 503 });
    const w = worker();
    await w.runOnce();
    // The post failed for now: the update and the later post wait, without an attempt counted.
    assert.equal(connector.received.length, 1);
    assert.equal((await get(update.id)).attempts, 0);
    assert.equal((await get(later.id)).attempts, 0);
    assert.equal((await get(update.id)).status, 'pending');
    for (let i = 0; i < 10 && (await get(later.id)).status !== 'sent'; i++) {
      advance(1000);
      await w.runOnce();
    }
    const [p, u, l] = [await get(post.id), await get(update.id), await get(later.id)];
    assert.equal(p.status, 'sent');
    assert.equal(u.status, 'sent');
    assert.equal(l.status, 'sent');
    assert.equal(u.attempts, 1);
    assert.deepEqual(connector.received.map((r) => [r.method, r.conversationId, r.body.text]), [
      ['POST', '19:kanal@thread.tacv2', SECRET_TEXT],
      ['POST', '19:kanal@thread.tacv2', SECRET_TEXT],
      ['PUT', '19:kanal@thread.tacv2', 'oppdatert kort'],
      ['POST', '19:kanal@thread.tacv2', 'tredje'],
    ]);
    const put = connector.received[2];
    assert.equal(put.activityId, p.deliveredActivityId);
    assert.equal(put.body.id, p.deliveredActivityId);
    assert.equal(u.deliveredActivityId, p.deliveredActivityId, 'the card keeps its id');
  });

  it('replies in the thread of its root message (conversation id ;messageid=<root id>)', async () => {
    const root = message();
    const reply = message({ threadOf: root.id, activity: { type: 'message', text: 'svar i tråden' } });
    await store.enqueueOutbox([root, reply]);
    const w = worker();
    await w.runOnce();
    const r = await get(root.id);
    assert.equal((await get(reply.id)).status, 'sent');
    assert.deepEqual(connector.posts().map((p) => p.conversationId), ['19:kanal@thread.tacv2', `19:kanal@thread.tacv2;messageid=${r.deliveredActivityId}`]);
  });

  it('an update whose post failed for good fails too, as a dependency', async () => {
    const post = message();
    const update = message({ kind: 'update', replaces: post.id });
    await store.enqueueOutbox([post, update]);
    connector.script.push({ status: 403 });
    const w = worker();
    await w.runOnce();
    assert.equal((await get(post.id)).status, 'failed');
    assert.equal((await get(update.id)).status, 'failed');
    assert.equal((await get(update.id)).lastError, deliveryReasons.replacedFailed);
    assert.deepEqual(failures.map((f) => f.failure.cause), ['rejected', 'dependency']);
    assert.equal(connector.received.length, 1);
  });

  it('re-delivers a message claimed by a pass that crashed, once its lease has expired', async () => {
    const m = message();
    await store.enqueueOutbox([m]);
    // A worker claimed it and died before settling.
    const claimed = await store.claimOutbox(now, 60_000, 10);
    assert.equal(claimed.length, 1);
    assert.equal((await get(m.id)).status, 'sending');
    const w = worker({ leaseMs: 60_000 });
    assert.equal(await w.runOnce(), 0, 'still leased');
    advance(59_999);
    assert.equal(await w.runOnce(), 0);
    assert.equal(connector.received.length, 0);
    advance(1);
    assert.equal(await w.runOnce(), 1);
    const cur = await get(m.id);
    assert.equal(cur.status, 'sent');
    assert.equal(connector.posts().length, 1);
  });

  it('fails a message for a conversation it has no reference for, with a clear reason', async () => {
    const m = message({ conversationKey: 'personal:a:ukjent' });
    await store.enqueueOutbox([m]);
    await worker().runOnce();
    const cur = await get(m.id);
    assert.equal(cur.status, 'failed');
    assert.equal(cur.lastError, deliveryReasons.noConversation);
    assert.equal(failures[0].failure.cause, 'no-conversation');
    assert.equal(connector.received.length, 0);
  });

  it('gives up after maxAttempts and reports it', async () => {
    const m = message();
    await store.enqueueOutbox([m]);
    connector.script.push({ status: 500 }, { status: 502 }, { status: 503 });
    const w = worker({ maxAttempts: 3 });
    for (let i = 0; i < 6; i++) {
      await w.runOnce();
      advance(3_600_000);
    }
    const cur = await get(m.id);
    assert.equal(cur.status, 'failed');
    assert.equal(cur.attempts, 3);
    assert.equal(cur.lastError, deliveryReasons.gaveUp(3, '503 Fault'));
    assert.equal(failures.length, 1);
    assert.equal(failures[0].failure.cause, 'gave-up');
    assert.equal(connector.received.length, 3);
  });

  it('treats an unreachable Bot Connector as transient', async () => {
    await store.saveConversation({ key: 'personal:a:borte', updatedAt: now.toISOString(), reference: { channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/', bot: { id: '28:b' }, user: { id: '29:u' }, conversation: { id: 'a:borte' } } });
    const m = message({ conversationKey: 'personal:a:borte' });
    await store.enqueueOutbox([m]);
    await worker().runOnce();
    const cur = await get(m.id);
    assert.equal(cur.status, 'pending');
    assert.equal(cur.attempts, 1);
    assert.equal(cur.lastError, 'ECONNREFUSED');
  });

  it('keeps a failure it could not report, and reports it on a later attempt', async () => {
    const m = message();
    await store.enqueueOutbox([m]);
    connector.script.push({ status: 403 }, { status: 403 });
    let calls = 0;
    const w = worker({ onPermanentFailure: async () => { if (++calls === 1) throw new Error('disk full'); } });
    await w.runOnce();
    assert.equal((await get(m.id)).status, 'pending', 'not forgotten');
    advance(3_600_000);
    await w.runOnce();
    assert.equal((await get(m.id)).status, 'failed');
    assert.equal(calls, 2);
  });

  it('started, delivers an enqueued message soon after a kick, and stop() waits for it', async () => {
    const w = worker({ clock: () => new Date(), pollMs: 60_000 });
    w.start();
    const m = message({ nextAttemptAt: new Date().toISOString() });
    await store.enqueueOutbox([m]);
    w.kick();
    for (let i = 0; i < 50 && (await get(m.id)).status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 10));
    await w.stop();
    assert.equal((await get(m.id)).status, 'sent');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const at = new Date('2026-03-02T08:00:00Z');
    assert.equal(retryAfterMs('30', at), 30_000);
    assert.equal(retryAfterMs('Mon, 02 Mar 2026 08:02:00 GMT', at), 120_000);
    assert.equal(retryAfterMs('Mon, 02 Mar 2026 07:00:00 GMT', at), 0);
    assert.equal(retryAfterMs('soon', at), undefined);
    assert.equal(retryAfterMs(undefined, at), undefined);
  });
});
