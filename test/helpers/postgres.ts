/**
 * A real PostgreSQL for the tests: a throwaway cluster (initdb in a temp directory, started with
 * pg_ctl on a free loopback port, fsync off unless VEIVISER_TEST_POSTGRES_DURABLE=1), one fresh database per caller. It uses Debian's
 * binaries (/usr/lib/postgresql/<version>/bin, `apt-get install -y postgresql`), running them as
 * the `postgres` user when the tests run as root. VEIVISER_TEST_DATABASE_URL points the tests at
 * an existing server instead (a database it may create databases in).
 *
 * Without PostgreSQL (or with VEIVISER_TEST_POSTGRES=off) the PostgreSQL suites are skipped with
 * a line saying so; with CI=true a missing PostgreSQL fails them instead.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './e2e.js';

export interface TestPostgres {
  /** A new, empty database's URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Restarts the server (fault tests). */
  restart(): Promise<void>;
  /** Stops the server until `start` (fault tests). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): void;
  port: number;
}

export function binDir(): string | undefined {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

let started: Promise<TestPostgres> | undefined;
let stopAll: (() => void) | undefined;

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailable(): string | undefined {
  if (process.env.VEIVISER_TEST_POSTGRES === 'off') return 'turned off (VEIVISER_TEST_POSTGRES=off)';
  if (process.env.VEIVISER_TEST_DATABASE_URL) return undefined;
  if (!binDir()) return 'PostgreSQL is not installed (apt-get install -y postgresql)';
  return undefined;
}

/**
 * Whether a PostgreSQL suite that cannot run must fail rather than skip: in CI (CI=true), unless
 * PostgreSQL was turned off on purpose (VEIVISER_TEST_POSTGRES=off, as the runs of the suite at
 * other moments in time do).
 */
export function postgresMissingFails(): boolean {
  return process.env.CI === 'true' && process.env.VEIVISER_TEST_POSTGRES !== 'off';
}

/** Skips the suite (or fails it in CI) when PostgreSQL is missing. */
export function requirePostgres(ctx: Mocha.Context, suite: string, note = ''): void {
  const why = postgresUnavailable();
  if (!why) return;
  if (postgresMissingFails()) throw new Error(`${suite} cannot run in CI: ${why}`);
  console.log(`    ${suite} skipped: ${why}${note ? ` — ${note}` : ''}`);
  ctx.skip();
}

async function startCluster(): Promise<TestPostgres> {
  const bin = binDir()!;
  const dir = mkdtempSync(join(tmpdir(), 'veiviser-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o755);
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]): void => {
    const full = join(bin, cmd);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'pipe', timeout: 60_000 });
    else execFileSync(full, args, { stdio: 'pipe', timeout: 60_000 });
  };
  const port = await freePort();
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'veiviser', '-E', 'UTF8', '--locale=C', '--no-sync']);
  // Tests trade durability for speed; VEIVISER_TEST_POSTGRES_DURABLE=1 (the growth benchmark) keeps PostgreSQL's defaults, fsync on.
  const durability = process.env.VEIVISER_TEST_POSTGRES_DURABLE === '1' ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${durability} -c max_connections=300`;
  const start = () => run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  start();
  const stop = () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  };
  stopAll = stop;
  process.once('exit', stop);
  let n = 0;
  return {
    port,
    async createDatabase(prefix = 'vv') {
      const name = `${prefix}_${process.pid}_${++n}`;
      const c = new pg.Client({ connectionString: `postgres://veiviser@127.0.0.1:${port}/postgres` });
      await c.connect();
      await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      return `postgres://veiviser@127.0.0.1:${port}/${name}`;
    },
    async restart() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      start();
    },
    async pause() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    async resume() {
      start();
    },
    stop,
  };
}

async function external(url: string): Promise<TestPostgres> {
  let n = 0;
  return {
    port: Number(new URL(url).port || 5432),
    async createDatabase(prefix = 'vv') {
      const name = `${prefix}_${process.pid}_${Date.now()}_${++n}`;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      const u = new URL(url);
      u.pathname = `/${name}`;
      return u.href;
    },
    async restart() {
      throw new Error('cannot restart an external PostgreSQL');
    },
    async pause() {
      throw new Error('cannot stop an external PostgreSQL');
    },
    async resume() {},
    stop() {},
  };
}

/** The shared test server (started once per mocha run). */
export function testPostgres(): Promise<TestPostgres> {
  started ??= process.env.VEIVISER_TEST_DATABASE_URL ? external(process.env.VEIVISER_TEST_DATABASE_URL) : startCluster();
  return started;
}

/** Stops the shared server (mocha's root afterAll). */
export function stopTestPostgres(): void {
  stopAll?.();
  stopAll = undefined;
  started = undefined;
}

/** The whole database as SQL text (Debian's pg_dump): what an operator's backup would hold. */
export function dumpDatabase(url: string): string {
  return execFileSync(join(binDir()!, 'pg_dump'), ['--no-owner', '--data-only', url], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}
