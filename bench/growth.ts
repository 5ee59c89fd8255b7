/**
 * Growth: does a store's cost per request grow with its history? A county's first years, for
 * lowdb and PostgreSQL side by side, through real app processes (`node --import tsx src/index.ts`)
 * and a loopback Bot Connector.
 *
 * 1. Grow each store through the real app, keeping a copy at each size: empty (the demo site
 *    crawled, the team's channel chosen); 20,000 questions + 2,000 tickets, each ticket through its
 *    whole life over HTTP (created by a veileder, taken and answered by the team, resolved by the
 *    veileder — cards posted, updated and delivered by the outbox); 60,000 questions. Questions go
 *    through the same HTTP path by default; `--direct` writes them through the store adapter
 *    instead (the app stopped; copies of the records the app itself wrote, spread over the past
 *    year) — quicker, for trying things out.
 * 2. Measure each size `--rounds` times (default 3), interleaved so that other load on the machine
 *    falls on every size alike: a fresh app on a fresh copy of the store (time to /readyz), FAQ
 *    questions with autocannon (3 s warm-up, 10 s × 16 connections, 500 veiledere), the app's CPU
 *    time per request (and PostgreSQL's, from /proc) and resident memory, then ticket creations per
 *    second (200, 16 in flight, counted when acknowledged). Medians are printed.
 *
 * PostgreSQL runs with its defaults here (fsync on), so both stores are durable against power
 * loss. Nothing here is a test.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, openSync, closeSync, fsyncSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { LowdbStore, readLowdbState } from '../src/store/lowdb-store.js';
import { PgStore } from '../src/store/pg-store.js';
import type { QuestionRecord, Store } from '../src/store/store.js';
import { freePort } from '../test/helpers/e2e.js';
import { postgresUnavailable, stopTestPostgres, testPostgres } from '../test/helpers/postgres.js';
import { startVeiviserProcess } from '../test/helpers/process.js';
import { faqRequests, QUESTIONS, waitReady } from './load.js';


const TENANT = 'bench';
const TEAM_ID = '19:team-utdanning@thread.tacv2';
const CHANNEL_ID = '19:kanal-fag@thread.tacv2';
const OWNER = { id: '29:user-eva', name: 'Eva Eier', aadObjectId: 'aad-eva', userRole: 'owner' };
const TEAM_MEMBER = { id: '29:user-ola', name: 'Ola Rådgiver', aadObjectId: 'aad-ola', userRole: 'user' };
const stages = (scale: number) => [
  { name: 'empty', questions: 0, tickets: 0 },
  { name: `${(20_000 * scale).toLocaleString('en')} questions + ${(2_000 * scale).toLocaleString('en')} tickets`, questions: 20_000 * scale, tickets: 2_000 * scale },
  { name: `${(60_000 * scale).toLocaleString('en')} questions + ${(2_000 * scale).toLocaleString('en')} tickets`, questions: 60_000 * scale, tickets: 2_000 * scale },
];
let STAGES = stages(1);
const MEASURE_TICKETS = 200;

export interface GrowthRow {
  backend: 'lowdb' | 'PostgreSQL';
  stage: string;
  /** What the store held when measured. */
  questions: number;
  tickets: number;
  bytes: number;
  startMs: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  /** CPU time of the app process per FAQ request, ms; and of PostgreSQL's processes. */
  appCpuMs: number;
  dbCpuMs?: number;
  ticketsPerSecond: number;
  ticketP99: number;
  /** Resident memory of the app after the FAQ load, MB. */
  rssMb: number;
  /** Requests per second of every round (the row holds the medians). */
  rpsRounds: number[];
  /** How the history was grown to this size. */
  growth?: string;
}

/** A Bot Connector as cheap as can be (it shares the cores with the app): counts what it is sent, answers the roster. */
async function connector(): Promise<{ url: string; posts: () => number; close: () => Promise<void> }> {
  let n = 0;
  const roster = [OWNER, TEAM_MEMBER];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '';
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && /\/pagedmembers/.test(url)) return void res.end(JSON.stringify({ members: roster }));
      const member = /\/members\/([^/?]+)/.exec(url);
      if (req.method === 'GET' && member) {
        const m = roster.find((x) => x.id === decodeURIComponent(member[1]) || x.aadObjectId === decodeURIComponent(member[1]));
        res.statusCode = m ? 200 : 404;
        return void res.end(JSON.stringify(m ?? {}));
      }
      n++;
      const id = /\/activities\/([^/?]+)/.exec(url)?.[1];
      res.end(JSON.stringify({ id: req.method === 'PUT' && id ? decodeURIComponent(id) : `a${n}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return { url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`, posts: () => n, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

let seq = 0;
const veileder = (i: number) => ({ id: `29:vgrow-${i}`, name: 'Veileder', aadObjectId: `aad-vgrow-${i}` });
function activity(serviceUrl: string, over: Record<string, unknown>): Record<string, unknown> {
  seq++;
  const from = (over.from as { aadObjectId: string } | undefined) ?? veileder(0);
  return {
    type: 'message', id: `g-${seq}`, channelId: 'msteams', serviceUrl, timestamp: new Date().toISOString(), from, recipient: { id: '28:veiviser', name: 'Veiviser' },
    conversation: { id: `a:${from.aadObjectId}`, conversationType: 'personal', tenantId: TENANT }, channelData: { tenant: { id: TENANT } }, locale: 'nb-NO', ...over,
  };
}
const fromChannel = { conversation: { id: `${CHANNEL_ID};messageid=1`, conversationType: 'channel', tenantId: TENANT }, channelData: { tenant: { id: TENANT }, team: { id: TEAM_ID, name: 'Utdanningsteamet' }, channel: { id: CHANNEL_ID, name: 'Fagopplæring' } } };
const execute = (verb: string, data: Record<string, unknown>) => ({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } });

async function post(base: string, body: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const r = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
  return { status: r.status, text: await r.text() };
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
/** CPU time (user + system) of processes, in ms, from /proc. */
function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // Gone.
    }
  }
  return (ticks * 1000) / CLK_TCK;
}

/** The PostgreSQL server on `port` and its backends (children of the postmaster). */
function postgresPids(port: number): number[] {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const master = all.find((pid) => {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return cmd[0].endsWith('/postgres') && cmd.includes(String(port));
    } catch {
      return false;
    }
  });
  if (!master) return [];
  return [master, ...all.filter((pid) => {
    try {
      const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) === master;
    } catch {
      return false;
    }
  })];
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(e.parentPath, e.name);
    if (e.isDirectory()) n += dirBytes(full);
    else if (e.isFile() && e.name !== 'veiviser.lock') n += statSync(full).size;
  }
  return n;
}

/** Waits until the outbox has delivered everything (the app's own gauge), so background delivery does not disturb the next figure. */
async function drained(port: number): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()).catch(() => '');
    const depth = /^veiviser_outbox_queue_depth (\d+)/m.exec(text)?.[1];
    if (depth === '0') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('outbox not drained');
}

/** FAQ questions through /api/messages (as bench/load.ts); `amount` instead of a duration grows the history. */
async function faq(port: number, serviceUrl: string, opts: { seconds?: number; amount?: number; connections?: number }): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: opts.connections ?? 16,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds ?? 10 }),
    timeout: 60,
    requests: faqRequests(serviceUrl),
  });
}

/**
 * Tickets over HTTP, `inFlight` at a time: created by a veileder (the form's invoke); with
 * `life`, then taken and answered by the team and resolved by the veileder. Returns the
 * creations acknowledged per second and their p99 (ms).
 */
async function tickets(base: string, serviceUrl: string, count: number, inFlight: number, life: boolean): Promise<{ perSecond: number; p99: number; failed: number }> {
  let next = 0;
  let failed = 0;
  let stepsFailed = 0;
  const latencies: number[] = [];
  const started = Date.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const v = veileder(i % 300);
      const t0 = Date.now();
      const r = await post(base, activity(serviceUrl, { from: v, ...execute('ticketCreate', { question: `${QUESTIONS[i % QUESTIONS.length]} (sak ${i})`, section: 'fagopplaering', office: `NAV Kontor ${i % 40}`, consent: 'true' }) }));
      latencies.push(Date.now() - t0);
      const id = /UT-\d{4}-\d{4}/.exec(r.text)?.[0];
      if (r.status !== 200 || !id) {
        failed++;
        continue;
      }
      if (!life) continue;
      const steps: [typeof v, string, Record<string, unknown>, Record<string, unknown>][] = [
        [TEAM_MEMBER, 'ticketTake', {}, fromChannel],
        [TEAM_MEMBER, 'ticketAnswer', { text: `Ja, det går an. Se fagbrev på jobb, og ta kontakt med oss for en vurdering (svar ${i}).` }, fromChannel],
        [v, 'ticketResolve', {}, {}],
      ];
      for (const [k, [from, verb, data, where]] of steps.entries()) {
        const s = await post(base, activity(serviceUrl, { from, ...where, ...execute(verb, { ticketId: id, version: k + 1, ...data }) }));
        if (s.status !== 200) stepsFailed++;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const sorted = latencies.sort((a, b) => a - b);
  return { perSecond: ((count - failed) * 1000) / (Date.now() - started), p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0, failed: failed + stepsFailed };
}

/** Copies of what the app wrote, with new ids and times spread over the past year, written through the adapter. */
async function seedDirect(store: Store, count: number): Promise<void> {
  const model = (await store.listQuestions()).slice(-500);
  if (!model.length) throw new Error('nothing to copy');
  const now = Date.now();
  const year = 365 * 86_400_000;
  for (let done = 0; done < count;) {
    const batch: QuestionRecord[] = [];
    for (; batch.length < 1000 && done < count; done++) {
      const m = model[done % model.length];
      batch.push({ ...m, id: `seed-${now}-${done}`, at: new Date(now - Math.random() * year).toISOString(), userHash: `seed-${done % 400}` });
    }
    await Promise.all(batch.map((q) => store.recordQuestion(q)));
  }
}

/** A store to grow and measure: refs are data directories (lowdb) or database URLs (PostgreSQL). */
interface Backend {
  name: 'lowdb' | 'PostgreSQL';
  env(ref: string): NodeJS.ProcessEnv;
  fresh(): Promise<string>;
  /** A copy of a store whose app is stopped. */
  copy(ref: string): Promise<string>;
  drop(ref: string): Promise<void>;
  size(ref: string): Promise<number>;
  counts(ref: string): Promise<{ questions: number; tickets: number }>;
  open(ref: string): Promise<Store>;
  dbPids(): number[];
}

interface Running { child: ChildProcess; port: number; base: string; startMs: number }

async function startApp(env: NodeJS.ProcessEnv): Promise<Running> {
  const port = await freePort();
  const t0 = Date.now();
  const child = await startVeiviserProcess({ ...env, PORT: String(port) }, 600_000);
  await waitReady(port, 1200);
  return { child, port, base: `http://127.0.0.1:${port}`, startMs: Date.now() - t0 };
}

async function stopApp(app: Running | undefined): Promise<void> {
  if (!app || app.child.exitCode !== null) return;
  await new Promise<void>((r) => { app.child.once('exit', () => r()); app.child.kill('SIGTERM'); });
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

/**
 * Grows one store through the real app, keeping a copy at each size (the app stopped cleanly,
 * as after a restart). Questions over HTTP, or with `direct` through the adapter; tickets always
 * over HTTP, through their whole life. The outbox polls every 50 ms while growing (delivery of the
 * growth's cards is not what is measured).
 */
async function grow(b: Backend, serviceUrl: string, direct: boolean): Promise<{ snapshots: string[]; growth: string[] }> {
  const ref = await b.fresh();
  const env = { ...b.env(ref), OUTBOX_POLL_MS: '50' };
  const snapshots: string[] = [];
  const growth: string[] = [];
  let app: Running | undefined = await startApp(env);
  try {
    const r = await post(app.base, activity(serviceUrl, { ...fromChannel, from: OWNER, entities: [{ type: 'mention', text: '<at>Veiviser</at>', mentioned: { id: '28:veiviser', name: 'Veiviser' } }], text: '<at>Veiviser</at> bruk denne kanalen' }));
    if (r.status !== 200) throw new Error(`choosing the channel: ${r.status}`);
    await drained(app.port);
    for (const stage of STAGES) {
      app ??= await startApp(env);
      const have = await b.counts(ref);
      const said: string[] = [];
      const moreTickets = stage.tickets - have.tickets;
      if (moreTickets > 0) {
        const t0 = Date.now();
        const t = await tickets(app.base, serviceUrl, moreTickets, 16, true);
        await drained(app.port);
        said.push(`${moreTickets} tickets through their life over HTTP in ${((Date.now() - t0) / 1000).toFixed(0)} s${t.failed ? ` (${t.failed} requests failed)` : ''}`);
      }
      const moreQuestions = stage.questions - have.questions;
      if (moreQuestions > 0) {
        const t0 = Date.now();
        if (direct) {
          // The records to copy: a few hundred questions asked through the app first.
          const asked = have.questions ? 0 : Math.min(500, moreQuestions);
          if (asked) {
            const res = await faq(app.port, serviceUrl, { amount: asked, connections: 16 });
            if (res.non2xx || res.errors) throw new Error(`growing: ${res.non2xx} non-2xx, ${res.errors} errors`);
            await drained(app.port);
          }
          await stopApp(app);
          app = undefined;
          const store = await b.open(ref);
          await seedDirect(store, moreQuestions - asked);
          await store.close();
        } else {
          const res = await faq(app.port, serviceUrl, { amount: moreQuestions, connections: 16 });
          if (res.non2xx || res.errors) throw new Error(`growing: ${res.non2xx} non-2xx, ${res.errors} errors`);
          await drained(app.port);
        }
        said.push(`${moreQuestions} questions ${direct ? 'written through the adapter' : 'over HTTP'} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      }
      await stopApp(app);
      app = undefined;
      snapshots.push(await b.copy(ref));
      growth.push(said.join('; '));
    }
  } finally {
    await stopApp(app);
    await b.drop(ref);
  }
  return { snapshots, growth };
}

interface Sample { rps: number; p50: number; p99: number; requests: number; non2xx: number; appCpuMs: number; dbCpuMs?: number; ticketsPerSecond: number; ticketP99: number; startMs: number; rssMb: number }

/** One measurement on a fresh copy of a snapshot, by a freshly started app (default settings). */
async function measure(b: Backend, snapshot: string, serviceUrl: string, posts: () => number): Promise<Sample> {
  const ref = await b.copy(snapshot);
  let app: Running | undefined;
  try {
    app = await startApp(b.env(ref));
    await faq(app.port, serviceUrl, { seconds: 3 });
    await drained(app.port);
    const pid = app.child.pid!;
    const pids = b.dbPids();
    const [app0, db0, posts0] = [cpuMs([pid]), cpuMs(pids), posts()];
    const res = await faq(app.port, serviceUrl, { seconds: 10 });
    const [app1, db1] = [cpuMs([pid]), cpuMs(pids)];
    const rss = rssMb(pid);
    if (posts() - posts0 < res.requests.total * 0.9) console.log(`  (${b.name}: only ${posts() - posts0} answers reached the connector for ${res.requests.total} requests)`);
    await drained(app.port);
    await tickets(app.base, serviceUrl, 16, 16, false); // warm-up, as the FAQ's 3 s
    await drained(app.port);
    const t = await tickets(app.base, serviceUrl, MEASURE_TICKETS, 16, false);
    return {
      rps: res.requests.average, p50: res.latency.p50, p99: res.latency.p99, requests: res.requests.total, non2xx: res.non2xx + res.errors,
      appCpuMs: (app1 - app0) / res.requests.total, ...(pids.length ? { dbCpuMs: (db1 - db0) / res.requests.total } : {}),
      ticketsPerSecond: t.perSecond, ticketP99: t.p99, startMs: app.startMs, rssMb: rss,
    };
  } finally {
    await stopApp(app);
    await b.drop(ref);
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * What durability against power loss costs on this disk, measured alone: appending one question
 * line with and without fdatasync, and replacing a state file of `stateBytes` with and without the
 * fsync of the file and of its directory.
 */
export function fsyncCost(stateBytes: number): { appendMs: number; appendSyncMs: number; replaceMs: number; replaceSyncMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'veiviser-fsync-'));
  try {
    const line = `${JSON.stringify({ q: { id: 'x'.repeat(36), at: new Date().toISOString(), text: 'y'.repeat(400) } })}\n`;
    const time = (n: number, fn: () => void): number => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) fn();
      return Number(process.hrtime.bigint() - t0) / 1e6 / n;
    };
    const append = (sync: boolean) => () => {
      const fd = openSync(join(dir, 'log.jsonl'), 'a');
      writeSync(fd, line);
      if (sync) fsyncSync(fd);
      closeSync(fd);
    };
    const state = 'z'.repeat(stateBytes);
    const replace = (sync: boolean) => () => {
      const fd = openSync(join(dir, 'state.tmp'), 'w');
      writeSync(fd, state);
      if (sync) fsyncSync(fd);
      closeSync(fd);
      renameSync(join(dir, 'state.tmp'), join(dir, 'state.json'));
      if (sync) {
        const d = openSync(dir, 'r');
        fsyncSync(d);
        closeSync(d);
      }
    };
    writeFileSync(join(dir, 'log.jsonl'), '');
    return { appendMs: time(500, append(false)), appendSyncMs: time(500, append(true)), replaceMs: time(30, replace(false)), replaceSyncMs: time(30, replace(true)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
function printRow(r: GrowthRow): void {
  console.log(`  ${r.backend.padEnd(10)} ${r.stage.padEnd(34)} ${String(r.questions).padStart(6)} q ${String(r.tickets).padStart(5)} t ${mb(r.bytes).padStart(9)}  start ${(r.startMs / 1000).toFixed(1)} s  ${r.rps.toFixed(0).padStart(4)} req/s [${r.rpsRounds.map((x) => x.toFixed(0)).join(' ')}]  p50 ${r.p50} ms  p99 ${r.p99} ms  CPU ${r.appCpuMs.toFixed(2)} ms/req${r.dbCpuMs !== undefined ? ` (+ db ${r.dbCpuMs.toFixed(2)})` : ''}  RSS ${r.rssMb.toFixed(0)} MB  tickets ${r.ticketsPerSecond.toFixed(0)}/s (p99 ${r.ticketP99} ms)  non-2xx ${r.non2xx}`);
}

/**
 * `scale` below 1 shrinks every size (a quick look that the benchmark runs; not the figures);
 * `rounds` measurements per size, interleaved (every size once per round), medians printed.
 */
export async function growthBench(opts: { direct?: boolean; scale?: number; lowdbOnly?: boolean; rounds?: number } = {}): Promise<GrowthRow[]> {
  STAGES = stages(opts.scale ?? 1);
  const rounds = opts.rounds ?? 3;
  process.env.VEIVISER_TEST_POSTGRES_DURABLE = '1';
  const conn = await connector();
  const dirs: string[] = [];
  const appEnv = (over: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...process.env, NODE_ENV: 'development', DEMO_SITE_PORT: '0', LOG_LEVEL: 'silent', FAQ_RECRAWL_INTERVAL_MINUTES: '0', CRAWL_DELAY_MS: '0', RATE_LIMIT_PER_MINUTE: '0', ALLOWED_TENANT_IDS: TENANT, DATABASE_URL: '', ...over });
  const newDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'veiviser-growth-'));
    dirs.push(d);
    return d;
  };
  const rows: GrowthRow[] = [];
  console.log(`\nGrowth: at each size, ${rounds} rounds (interleaved) of: a fresh app on a copy of the store, FAQ load 10 s x 16 connections after 3 s warm-up, then ${MEASURE_TICKETS} ticket creations (16 in flight); medians. Questions grown ${opts.direct ? 'through the store adapter (--direct)' : 'over HTTP'}; PostgreSQL with fsync on.`);
  try {
    const backends: Backend[] = [{
      name: 'lowdb',
      env: (d) => appEnv({ VEIVISER_DATA_DIR: d }),
      fresh: async () => newDir(),
      copy: async (d) => {
        const to = newDir();
        cpSync(d, to, { recursive: true });
        return to;
      },
      drop: async (d) => rmSync(d, { recursive: true, force: true }),
      size: async (d) => dirBytes(d),
      counts: async (d) => {
        let questions = 0;
        try {
          for (const f of readdirSync(join(d, 'questions'))) questions += readFileSync(join(d, 'questions', f), 'utf8').split('\n').filter((l) => l.startsWith('{"q"')).length;
        } catch { /* none yet */ }
        return { questions, tickets: readLowdbState(d).tickets.length };
      },
      open: (d) => LowdbStore.open(d),
      dbPids: () => [],
    }];
    const why = opts.lowdbOnly ? 'not asked for (--lowdb-only)' : postgresUnavailable();
    if (why) console.log(`  PostgreSQL runs skipped: ${why}`);
    else {
      const server = await testPostgres();
      const admin = (await server.createDatabase('growthadmin')).replace(/\/[^/]*$/, '/postgres');
      const query = async <T>(url: string, sql: string): Promise<T> => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          return (await c.query(sql)).rows[0] as T;
        } finally {
          await c.end();
        }
      };
      let n = 0;
      const nameOf = (url: string) => new URL(url).pathname.slice(1);
      const dbDir = newDir();
      backends.push({
        name: 'PostgreSQL',
        env: (url) => appEnv({ VEIVISER_DATA_DIR: dbDir, DATABASE_URL: url }),
        fresh: () => server.createDatabase('growth'),
        copy: async (url) => {
          const to = `growth_copy_${process.pid}_${++n}`;
          await query(admin, `CREATE DATABASE ${to} TEMPLATE ${nameOf(url)}`);
          return url.replace(/\/[^/]*$/, `/${to}`);
        },
        drop: async (url) => void (await query(admin, `DROP DATABASE IF EXISTS ${nameOf(url)} WITH (FORCE)`)),
        size: async (url) => Number((await query<{ n: string }>(url, 'SELECT pg_database_size(current_database()) AS n')).n),
        counts: async (url) => {
          const r = await query<{ q: string; t: string }>(url, 'SELECT (SELECT count(*) FROM questions) AS q, (SELECT count(*) FROM tickets) AS t').catch(() => ({ q: '0', t: '0' }));
          return { questions: Number(r.q), tickets: Number(r.t) };
        },
        open: (url) => PgStore.open({ url }),
        dbPids: () => postgresPids(server.port),
      });
    }
    const grown = new Map<Backend, { snapshots: string[]; growth: string[] }>();
    for (const b of backends) {
      const t0 = Date.now();
      const g = await grow(b, conn.url, Boolean(opts.direct));
      grown.set(b, g);
      console.log(`  ${b.name} grown in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${g.growth.filter(Boolean).join('; ')}`);
    }
    const samples = new Map<string, Sample[]>();
    for (let r = 0; r < rounds; r++) {
      for (const b of backends) {
        for (const [i, snap] of grown.get(b)!.snapshots.entries()) {
          const key = `${b.name}|${i}`;
          samples.set(key, [...(samples.get(key) ?? []), await measure(b, snap, conn.url, conn.posts)]);
        }
      }
      console.log(`  round ${r + 1} of ${rounds} done (load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
    }
    // What the lowdb directory holds at the largest size, file by file (before the copies go).
    const lowLast = grown.get(backends[0])!.snapshots.at(-1)!;
    const stateBytes = statSync(join(lowLast, 'veiviser.json')).size;
    const parts = { 'veiviser.json': stateBytes, 'veiviser.journal': statSync(join(lowLast, 'veiviser.journal'), { throwIfNoEntry: false })?.size ?? 0, 'questions/': dirBytes(join(lowLast, 'questions')), 'outbox/': dirBytes(join(lowLast, 'outbox')), 'content.json': statSync(join(lowLast, 'content.json')).size };
    for (const b of backends) {
      for (const [i, snap] of grown.get(b)!.snapshots.entries()) {
        const got = samples.get(`${b.name}|${i}`)!;
        const m = (f: (x: Sample) => number) => median(got.map(f));
        const counts = await b.counts(snap);
        rows.push({
          backend: b.name, stage: STAGES[i].name, questions: counts.questions, tickets: counts.tickets, bytes: await b.size(snap), startMs: m((x) => x.startMs),
          rps: m((x) => x.rps), p50: m((x) => x.p50), p99: m((x) => x.p99), requests: m((x) => x.requests), non2xx: got.reduce((n, x) => n + x.non2xx, 0),
          appCpuMs: m((x) => x.appCpuMs), ...(got[0].dbCpuMs !== undefined ? { dbCpuMs: m((x) => x.dbCpuMs ?? 0) } : {}),
          ticketsPerSecond: m((x) => x.ticketsPerSecond), ticketP99: m((x) => x.ticketP99), rssMb: m((x) => x.rssMb), rpsRounds: got.map((x) => x.rps),
          growth: grown.get(b)!.growth[i],
        });
        printRow(rows[rows.length - 1]);
      }
      for (const snap of grown.get(b)!.snapshots) await b.drop(snap);
    }
    console.log(`\nlowdb at ${STAGES.at(-1)!.name}: ${Object.entries(parts).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}`);
    const f = fsyncCost(stateBytes);
    console.log(`\nDurability against power loss, measured alone on this disk: appending a question line ${f.appendMs.toFixed(3)} ms, with fdatasync ${f.appendSyncMs.toFixed(2)} ms; replacing a ${mb(stateBytes)} veiviser.json (a checkpoint) ${f.replaceMs.toFixed(1)} ms, with fsync of the file and the directory ${f.replaceSyncMs.toFixed(1)} ms`);
    printSummary(rows);
  } finally {
    await conn.close();
    stopTestPostgres();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return rows;
}

function printSummary(rows: GrowthRow[]): void {
  const low = rows.filter((r) => r.backend === 'lowdb');
  const empty = low[0];
  const full = low[low.length - 1];
  if (!empty || !full) return;
  console.log('\nTargets (lowdb, medians):');
  console.log(`  empty: ${empty.rps.toFixed(0)} req/s (target >= 150), p99 ${empty.p99} ms (target < 150 ms)`);
  console.log(`  ${full.stage} vs empty: req/s ${(empty.rps / full.rps).toFixed(2)}x lower, p50 ${(full.p50 / empty.p50).toFixed(2)}x, p99 ${(full.p99 / empty.p99).toFixed(2)}x, CPU/request ${(full.appCpuMs / empty.appCpuMs).toFixed(2)}x (target: within 1.3x)`);
  console.log(`  ticket creations: ${low.map((r) => `${r.ticketsPerSecond.toFixed(0)}/s`).join(', ')} (target >= 30/s at every size)`);
}
