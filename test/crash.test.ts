/**
 * Crashes and outages, with the app as a real child process (`node --import tsx src/index.ts`):
 * - kill -9 during a burst of ticket creations, then a restart on the same data: every ticket
 *   whose creation was acknowledged exists, and its card reaches the channel (duplicates counted);
 * - PostgreSQL restarted under load: the app answers 503 on /readyz while the database is away,
 *   and recovers by itself — no restart — with every acknowledged ticket kept.
 * A loopback server plays the Bot Connector.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { readLowdbState } from '../src/store/lowdb-store.js';
import { startFakeConnector, type FakeConnector as Connector } from './helpers/connector.js';
import { freePort } from './helpers/e2e.js';
import { CHANNEL_ID, fromChannel, MENTION } from './helpers/harness.js';
import { exited, startVeiviserProcess as startChild } from './helpers/process.js';
import { postgresMissingFails, postgresUnavailable, testPostgres } from './helpers/postgres.js';

const TENANT = 'tenant-fjordvik';
const CHANNEL = CHANNEL_ID;
const eva = { id: '29:user-eva', name: 'Eva Eier', aadObjectId: 'aad-eva' };
const kari = { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' };

let seq = 0;
function activity(connector: Connector, over: Record<string, unknown>): Record<string, unknown> {
  seq++;
  return {
    type: 'message', id: `c-${seq}`, channelId: 'msteams', serviceUrl: connector.url, timestamp: new Date().toISOString(), from: kari,
    recipient: { id: '28:veiviser-bot', name: 'Veiviser' }, conversation: { id: 'a:personal-kari', conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } }, locale: 'nb-NO', ...over,
  };
}

async function post(base: string, body: Record<string, unknown>): Promise<{ status: number; text: string }> {
  try {
    const r = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
    return { status: r.status, text: await r.text() };
  } catch (err) {
    return { status: 0, text: (err as Error).message };
  }
}

const createTicket = (connector: Connector, i: number) => activity(connector, {
  type: 'invoke', name: 'adaptiveCard/action',
  value: { action: { type: 'Action.Execute', verb: 'ticketCreate', data: { question: `Krasjtest ${i}: kan bruker ta fagbrev på jobb?`, section: 'fagopplaering', consent: 'true' } } },
});

const setChannel = (connector: Connector) => activity(connector, { ...fromChannel(TENANT), ...MENTION, from: eva, text: '<at>Veiviser</at> bruk denne kanalen' });

for (const kind of ['lowdb', 'PostgreSQL'] as const) {
  describe(`crash: kill -9 during a burst of ticket creations (${kind})`, function () {
    this.timeout(240_000);
    let connector: Connector;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let tickets: () => Promise<string[]>;
    /** Tickets whose channel card the outbox had recorded as delivered. */
    let deliveredCards: () => Promise<string[]>;
    before(async function () {
      if (kind === 'PostgreSQL') {
        const why = postgresUnavailable();
        if (why) {
          if (postgresMissingFails()) throw new Error(`crash test on PostgreSQL cannot run in CI: ${why}`);
          console.log(`    crash test on PostgreSQL skipped: ${why} — it ran on lowdb only`);
          this.skip();
        }
      }
      connector = await startFakeConnector();
      connector.roster.push({ ...eva, userRole: 'owner' });
      dir = mkdtempSync(join(tmpdir(), 'veiviser-crash-'));
      env = { ...process.env, NODE_ENV: 'development', PORT: String(await freePort()), DEMO_SITE_PORT: '0', VEIVISER_DATA_DIR: dir, LOG_LEVEL: 'silent', FAQ_RECRAWL_INTERVAL_MINUTES: '0', CRAWL_DELAY_MS: '0', OUTBOX_POLL_MS: '50', RATE_LIMIT_PER_MINUTE: '0', ALLOWED_TENANT_IDS: TENANT };
      delete env.DATABASE_URL;
      if (kind === 'PostgreSQL') {
        const url = await (await testPostgres()).createDatabase('crash');
        env.DATABASE_URL = url;
        tickets = async () => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          const r = await c.query('SELECT id FROM tickets ORDER BY number');
          await c.end();
          return r.rows.map((x: { id: string }) => x.id);
        };
        deliveredCards = async () => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          const r = await c.query(`SELECT data->>'ticketId' AS id FROM outbox WHERE status = 'sent' AND conversation_key = $1 AND data->>'kind' = 'post'`, [`channel:${CHANNEL}`]);
          await c.end();
          return r.rows.map((x: { id: string }) => x.id);
        };
      } else {
        // Read from the files as the store would (veiviser.json and its journal), without taking the lock.
        const file = () => readLowdbState(dir);
        tickets = async () => file().tickets.map((t) => t.id);
        deliveredCards = async () => file().outbox.filter((m) => m.status === 'sent' && m.kind === 'post' && m.conversationKey === `channel:${CHANNEL}` && m.ticketId).map((m) => m.ticketId!);
      }
    });
    after(async () => {
      await connector?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('keeps every acknowledged ticket and delivers its card after the restart', async () => {
      const base = `http://127.0.0.1:${env.PORT}`;
      let child = await startChild(env);
      await post(base, setChannel(connector));
      for (let i = 0; i < 100 && !connector.sent.some((p) => JSON.stringify(p.activity).includes('får nå saker')); i++) await new Promise((r) => setTimeout(r, 50));
      const acknowledged: string[] = [];
      let refused = 0;
      let next = 0;
      let killedAt = -1;
      const worker = async () => {
        while (next < 400) {
          const i = next++;
          const r = await post(base, createTicket(connector, i));
          const id = /UT-\d{4}-\d{4}/.exec(r.text)?.[0];
          if (r.status === 200 && id) acknowledged.push(id);
          else refused++;
          if (acknowledged.length >= 120 && killedAt < 0) {
            killedAt = acknowledged.length;
            child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      await exited(child);
      // What the dead process had recorded as delivered must not go out again.
      const recordedSent = await deliveredCards();
      assert.ok(killedAt > 0 && refused > 0, `the burst went on past the kill (acknowledged ${acknowledged.length}, refused ${refused})`);
      child = await startChild(env);
      try {
        const stored = new Set(await tickets());
        const lost = acknowledged.filter((id) => !stored.has(id));
        assert.deepEqual(lost, [], 'no acknowledged ticket lost');
        // Every stored ticket's card reaches the channel; count how often.
        const cardCounts = () => {
          const cards = connector.sent.filter((p) => p.conversationId === CHANNEL).map((p) => JSON.stringify(p.activity));
          return (id: string) => cards.filter((c) => c.includes(id)).length;
        };
        // PostgreSQL cannot tell a dead instance's lease from a live one's: those wait out the lease (60 s).
        for (let i = 0; i < 1200; i++) {
          const count = cardCounts();
          if ([...stored].every((id) => count(id) > 0)) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        const cardCount = cardCounts();
        const missing = [...stored].filter((id) => cardCount(id) === 0);
        assert.deepEqual(missing, [], 'every ticket card delivered');
        const resent = recordedSent.filter((id) => cardCount(id) !== 1);
        assert.deepEqual(resent, [], 'every card recorded as delivered before the kill was posted exactly once');
        const duplicates = [...stored].filter((id) => cardCount(id) > 1).length;
        console.log(`      ${kind}: ${acknowledged.length} acknowledged, ${refused} refused while down, ${stored.size} stored, 0 lost; ${recordedSent.length} cards recorded as delivered before the kill, each posted once; cards posted twice: ${duplicates}`);
        // At-least-once: only a message in flight at the kill can go twice (the worker's batch).
        assert.ok(duplicates <= 25, `${duplicates} duplicate cards`);
      } finally {
        child.kill('SIGTERM');
        await exited(child);
      }
    });
  });
}

describe('fault: PostgreSQL restarted under load', function () {
  this.timeout(240_000);
  it('answers 503 on /readyz while the database is away and recovers without a restart, losing no acknowledged ticket', async function () {
    const why = postgresUnavailable();
    if (why || process.env.VEIVISER_TEST_DATABASE_URL) {
      if (postgresMissingFails() && why) throw new Error(`cannot run in CI: ${why}`);
      console.log(`    PostgreSQL restart test skipped: ${why ?? 'an external server cannot be restarted by the test'}`);
      this.skip();
    }
    const server = await testPostgres();
    const url = await server.createDatabase('restart');
    const connector = await startFakeConnector();
    connector.roster.push({ ...eva, userRole: 'owner' });
    const dir = mkdtempSync(join(tmpdir(), 'veiviser-pgrestart-'));
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', PORT: String(await freePort()), DEMO_SITE_PORT: '0', VEIVISER_DATA_DIR: dir, DATABASE_URL: url, LOG_LEVEL: 'silent', FAQ_RECRAWL_INTERVAL_MINUTES: '0', CRAWL_DELAY_MS: '0', OUTBOX_POLL_MS: '50', RATE_LIMIT_PER_MINUTE: '0', ALLOWED_TENANT_IDS: TENANT };
    const base = `http://127.0.0.1:${env.PORT}`;
    const child = await startChild(env);
    try {
      await post(base, setChannel(connector));
      const acknowledged: string[] = [];
      let failed = 0;
      let stop = false;
      let i = 0;
      const load = Promise.all(Array.from({ length: 4 }, async () => {
        while (!stop) {
          const r = await post(base, createTicket(connector, i++));
          const id = /UT-\d{4}-\d{4}/.exec(r.text)?.[0];
          if (r.status === 200 && id) acknowledged.push(id);
          else failed++;
        }
      }));
      await new Promise((r) => setTimeout(r, 1000));
      const before = acknowledged.length;
      await server.pause();
      await new Promise((r) => setTimeout(r, 1000));
      const readyDuring = await fetch(`${base}/readyz`).then((r) => r.status).catch(() => 0);
      const failedBefore = failed;
      await server.resume();
      // After the restart the app serves again by itself.
      let readyAfter = 0;
      for (let k = 0; k < 100 && readyAfter !== 200; k++) {
        readyAfter = await fetch(`${base}/readyz`).then((r) => r.status).catch(() => 0);
        if (readyAfter !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      const atRecovery = acknowledged.length;
      await new Promise((r) => setTimeout(r, 1500));
      stop = true;
      await load;
      assert.equal(readyDuring, 503, 'not ready while the database is away');
      assert.ok(failedBefore > 0, 'requests during the outage were refused (not acknowledged)');
      assert.equal(readyAfter, 200, 'ready again without a restart');
      assert.ok(acknowledged.length > atRecovery, 'tickets are created again after the restart');
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const stored = new Set((await c.query('SELECT id FROM tickets')).rows.map((x: { id: string }) => x.id));
      await c.end();
      assert.deepEqual(acknowledged.filter((id) => !stored.has(id)), [], 'no acknowledged ticket lost');
      console.log(`      PostgreSQL restart: ${before} tickets before, ${acknowledged.length} acknowledged in all, ${failed} refused during the outage; /readyz during: ${readyDuring}, after: ${readyAfter}`);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
      await connector.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
