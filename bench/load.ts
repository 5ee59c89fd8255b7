/**
 * Load on /api/messages with FAQ questions (autocannon), against real app processes
 * (`node --import tsx src/index.ts`): one instance on lowdb, one on PostgreSQL, and two on one
 * PostgreSQL database behind a loopback round-robin proxy. A loopback server plays the Bot
 * Connector that receives the answer cards. Questions come from the evaluation set, from 500
 * different veiledere (the per-user rate limit is off here: it would measure the limiter).
 * Prints sustained requests per second and latency percentiles; nothing here is a test.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/helpers/e2e.js';
import { postgresUnavailable, stopTestPostgres, testPostgres } from '../test/helpers/postgres.js';
import { startVeiviserProcess } from '../test/helpers/process.js';

export const QUESTIONS = ['questions-a.jsonl', 'questions-b.jsonl']
  .flatMap((f) => readFileSync(new URL(`../test/fixtures/eval/${f}`, import.meta.url), 'utf8').split('\n').filter(Boolean))
  .map((l) => (JSON.parse(l) as { question: string }).question);

export interface LoadResult { name: string; rps: number; p50: number; p99: number; non2xx: number; errors: number; requests: number; replies: number }

/**
 * The Bot Connector's side, as cheap as can be (it shares the cores with the app being measured):
 * it counts the cards and answers; test/helpers/connector.ts's recording one would parse and keep each.
 */
async function connector(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: `a${n}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return { url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`, count: () => n, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** A round-robin HTTP proxy on loopback (what a load balancer does, minus TLS). */
async function roundRobin(ports: number[]): Promise<{ port: number; close: () => Promise<void> }> {
  let i = 0;
  const server = createServer((req, res) => {
    const port = ports[i++ % ports.length];
    const up = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  server.keepAliveTimeout = 10_000;
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { port, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** Waits for /readyz 200, polling every 100 ms, at most `tries` times. */
export async function waitReady(port: number, tries = 300): Promise<void> {
  for (let i = 0; i < tries; i++) {
    const s = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status).catch(() => 0);
    if (s === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('instance not ready');
}

/**
 * The autocannon request of the FAQ load: a veileder's question in personal chat, one of 500
 * veiledere in turn, the evaluation set's questions in turn (also used by bench/growth.ts).
 */
export function faqRequests(serviceUrl: string): autocannon.Request[] {
  let k = 0;
  return [{
    method: 'POST',
    path: '/api/messages',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req) => {
      k++;
      const user = `aad-load-${k % 500}`;
      return {
        ...req,
        body: JSON.stringify({
          type: 'message', id: `load-${Date.now()}-${k}`, channelId: 'msteams', serviceUrl, timestamp: new Date().toISOString(),
          from: { id: `29:${user}`, name: 'Veileder', aadObjectId: user }, recipient: { id: '28:veiviser', name: 'Veiviser' },
          conversation: { id: `a:${user}`, conversationType: 'personal', tenantId: 'bench' }, channelData: { tenant: { id: 'bench' } },
          text: QUESTIONS[k % QUESTIONS.length], locale: 'nb-NO',
        }),
      };
    },
  }];
}

async function fire(name: string, port: number, serviceUrl: string, replies: () => number, seconds: number): Promise<LoadResult> {
  const before = replies();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 16,
    duration: seconds,
    requests: faqRequests(serviceUrl),
  });
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, requests: result.requests.total, replies: replies() - before };
}

export async function loadBench(seconds = 15): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  const conn = await connector();
  const base = (dir: string): NodeJS.ProcessEnv => ({ ...process.env, NODE_ENV: 'development', DEMO_SITE_PORT: '0', VEIVISER_DATA_DIR: dir, LOG_LEVEL: 'silent', FAQ_RECRAWL_INTERVAL_MINUTES: '0', CRAWL_DELAY_MS: '0', RATE_LIMIT_PER_MINUTE: '0', ALLOWED_TENANT_IDS: 'bench' });
  const run = async (name: string, envs: NodeJS.ProcessEnv[]) => {
    const ports = await Promise.all(envs.map(() => freePort()));
    const children: ChildProcess[] = [];
    try {
      // One after another: the first start crawls the demo site into an empty store.
      for (let i = 0; i < envs.length; i++) {
        children.push(await startVeiviserProcess({ ...envs[i], PORT: String(ports[i]) }));
        await waitReady(ports[i]);
      }
      const proxy = ports.length > 1 ? await roundRobin(ports) : undefined;
      try {
        await fire(`${name} (warm-up)`, proxy?.port ?? ports[0], conn.url, conn.count, 3);
        results.push(await fire(name, proxy?.port ?? ports[0], conn.url, conn.count, seconds));
      } finally {
        await proxy?.close();
      }
    } finally {
      for (const c of children) c.kill('SIGTERM');
    }
  };
  const dirs: string[] = [];
  const dir = () => { const d = mkdtempSync(join(tmpdir(), 'veiviser-load-')); dirs.push(d); return d; };
  try {
    await run('1 instance, lowdb', [base(dir())]);
    const why = postgresUnavailable();
    if (why) console.log(`  PostgreSQL runs skipped: ${why}`);
    else {
      const pg = await testPostgres();
      const one = await pg.createDatabase('load1');
      await run('1 instance, PostgreSQL', [{ ...base(dir()), DATABASE_URL: one }]);
      const two = await pg.createDatabase('load2');
      await run('2 instances, one PostgreSQL, round-robin proxy', [{ ...base(dir()), DATABASE_URL: two }, { ...base(dir()), DATABASE_URL: two }]);
    }
  } finally {
    await conn.close();
    stopTestPostgres();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return results;
}

export function printLoad(results: LoadResult[]): void {
  console.log('\nLoad on /api/messages: FAQ questions from 500 veiledere, 16 connections, autocannon (each request = question analysed, answer recorded, card sent to the connector)');
  for (const r of results) {
    console.log(`  ${r.name.padEnd(48)} ${r.rps.toFixed(0).padStart(5)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.requests} requests, non-2xx ${r.non2xx}, errors ${r.errors}, cards delivered ${r.replies}`);
  }
}
