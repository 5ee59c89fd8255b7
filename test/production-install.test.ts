/**
 * What an operator does, from a clean copy of the repository to an answered message, with only
 * the runtime dependencies installed: copy → `npm ci` → `npm run build` → `npm prune --omit=dev`
 * → start the compiled server → /readyz 200 → one Bot Framework message answered. The Dockerfile
 * runs the same steps. A runtime import of a devDependency (tsx, esbuild, anything under
 * devDependencies) fails it twice over: the static check of every import in dist/, and the
 * server not starting or not answering after the prune.
 *
 * The copy is the working tree as git sees it — tracked and untracked files, minus what
 * .gitignore excludes (`git ls-files -co --exclude-standard`), so never node_modules/, dist/ or
 * data/. On CI (a clean clone) that is exactly the clone; locally it is what you are about to
 * commit, so the test means something before the commit too (a clone of HEAD would test the
 * last commit instead).
 *
 * Slow (npm ci of the whole lockfile; about a minute and a half here), so one install serves all
 * the checks. VEIVISER_TEST_PRODUCTION_INSTALL=off skips it (the suite's runs at other moments in
 * time do: nothing here depends on the clock). Otherwise it never skips with CI=true.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeConnector, type FakeConnector } from './helpers/connector.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Dynamic imports of a devDependency that the compiled server never reaches, and why. */
const DEV_ONLY_DYNAMIC: Record<string, string[]> = {
  // Only when the prebuilt dist/src/tab/client.bundle.js is missing (running from src/ under tsx).
  'dist/src/tab/page.js': ['esbuild'],
};

/** The environment for the steps: the caller's, minus what the outer `npm test` and mocha put there. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Registry access settings pass through; the rest of npm's lifecycle variables (local_prefix
  // pointing at the repository, omit, package_*) would make the inner npm act on the wrong thing.
  const npmKept = /^npm_config_(registry|cafile|ca|cert|key|cache|proxy|https_proxy|noproxy|no_proxy|strict_ssl|userconfig|globalconfig|fetch_.*)$/;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && !npmKept.test(k.toLowerCase())) continue;
    if (k === 'NODE_OPTIONS' || k === 'NODE_ENV' || k === 'DATABASE_URL' || /^(Microsoft|GRAPH_|FAQ_|TEAMS_|TAB_|VEIVISER_)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function run(label: string, cmd: string, args: string[], cwd: string, env = cleanEnv()): { seconds: number; output: string } {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (Date.now() - t0) / 1000;
  const output = r.stdout + r.stderr;
  if (r.status !== 0) assert.fail(`${label} failed (${r.status ?? r.signal}):\n${output.slice(-4000)}`);
  console.log(`      ${label}: ${seconds.toFixed(1)} s`);
  return { seconds, output };
}

/** Every .js file under dir. */
function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? jsFiles(p) : p.endsWith('.js') ? [p] : [];
  });
}

/** Import specifiers in compiled ES module code: static imports and re-exports, and literal import(). */
function importsOf(code: string): { spec: string; dynamic: boolean }[] {
  const out: { spec: string; dynamic: boolean }[] = [];
  for (const m of code.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm)) out.push({ spec: m[1] ?? m[2], dynamic: false });
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1], dynamic: true });
  return out;
}

const packageOf = (spec: string) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

interface Started { child: ChildProcess; url: string; stderr: () => string }

/** Starts a command in its own process group and resolves once the server says where it listens. */
function startServer(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let err = '';
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } reject(new Error(`did not start within 90 s:\n${err.slice(-4000)}`)); }, 90_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /Veiviser kjører på (http:\/\/[^\s/]+)\/api\/messages/.exec(err);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1], stderr: () => err }); }
    });
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`exited ${code ?? signal} before listening:\n${err.slice(-4000)}`)); });
  });
}

/**
 * Stops a server started by `startServer`: SIGTERM to `pid` (the server itself, when npm and a
 * shell stand between) or else to the command started, then SIGKILL to its process group after
 * 20 s. Resolves with the exit code of the command started.
 */
function stop(child: ChildProcess, pid = child.pid!): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    const kill = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 20_000);
    child.once('exit', (code) => { clearTimeout(kill); resolve(code); });
    try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
  });
}

async function waitReady(url: string, ms = 90_000): Promise<{ status: number; body: string }> {
  const until = Date.now() + ms;
  let last = { status: 0, body: '' };
  while (Date.now() < until) {
    try {
      const r = await fetch(`${url}/readyz`);
      last = { status: r.status, body: await r.text() };
      if (r.status === 200) return last;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

describe('a production install: clean copy, npm ci, npm run build, npm prune --omit=dev, start', function () {
  this.timeout(20 * 60_000);
  let work: string;
  let app: string;
  const timings: Record<string, number> = {};
  let ciOutput = '';

  before(function () {
    if (process.env.VEIVISER_TEST_PRODUCTION_INSTALL === 'off') {
      console.log('    production install skipped: turned off (VEIVISER_TEST_PRODUCTION_INSTALL=off)');
      this.skip();
    }
    const git = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: ROOT, encoding: 'utf8' });
    if (git.status !== 0) {
      const why = `needs git and a git work tree at ${ROOT} (${(git.error?.message ?? git.stderr).trim()})`;
      if (process.env.CI === 'true') throw new Error(`the production install test cannot run in CI: ${why}`);
      console.log(`    production install skipped: ${why}`);
      this.skip();
    }
    work = mkdtempSync(join(tmpdir(), 'veiviser-prod-'));
    app = join(work, 'veiviser');
    const t0 = Date.now();
    const files = execFileSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }).toString('utf8').split('\0').filter(Boolean);
    let copied = 0;
    for (const f of files) {
      const from = join(ROOT, f);
      if (!existsSync(from) || lstatSync(from).isDirectory()) continue; // deleted in the work tree, or a submodule
      mkdirSync(dirname(join(app, f)), { recursive: true });
      cpSync(from, join(app, f), { verbatimSymlinks: true });
      copied++;
    }
    timings.copy = (Date.now() - t0) / 1000;
    console.log(`      copy of the work tree (${copied} files): ${timings.copy.toFixed(1)} s`);
    assert.ok(!existsSync(join(app, 'node_modules')) && !existsSync(join(app, 'dist')), 'the copy starts without node_modules and dist');

    const ci = run('npm ci', 'npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], app);
    ciOutput = ci.output;
    timings.ci = ci.seconds;
    timings.build = run('npm run build', 'npm', ['run', 'build'], app).seconds;
    timings.prune = run('npm prune --omit=dev', 'npm', ['prune', '--omit=dev', '--no-audit', '--no-fund'], app).seconds;
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs with every dependency install script reviewed in package.json\'s allowScripts', () => {
    // npm 11.16+ lists unreviewed install scripts after an install (a later npm blocks them).
    assert.doesNotMatch(ciOutput, /not yet covered by allowScripts/, ciOutput.slice(-2000));
  });

  it('leaves no devDependency installed, and every import in dist/ is a runtime dependency that is installed', () => {
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const dev of ['tsx', 'esbuild', 'typescript', 'mocha']) assert.ok(!existsSync(join(app, 'node_modules', dev)), `${dev} is gone after the prune`);
    assert.ok(existsSync(join(app, 'dist/src/tab/client.bundle.js')), 'the tab client is prebuilt');
    const builtins = new Set(builtinModules);
    const problems: string[] = [];
    const files = jsFiles(join(app, 'dist'));
    assert.ok(files.length > 40, `dist/ holds the compiled server (${files.length} files)`);
    for (const file of files) {
      if (file.endsWith('client.bundle.js')) continue; // browser code, self-contained
      const rel = relative(app, file);
      for (const { spec, dynamic } of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('node:') || builtins.has(spec)) continue;
        if (spec.startsWith('.')) {
          if (!existsSync(join(dirname(file), spec))) problems.push(`${rel}: ${spec} is not in dist/`);
          continue;
        }
        const name = packageOf(spec);
        if (dynamic && DEV_ONLY_DYNAMIC[rel]?.includes(name)) continue;
        if (!pkg.dependencies[name]) problems.push(`${rel}: ${spec} is ${pkg.devDependencies[name] ? 'a devDependency' : 'not a declared dependency'}`);
        else if (!existsSync(join(app, 'node_modules', name, 'package.json'))) problems.push(`${rel}: ${spec} is not installed after the prune`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('npm start without tsx runs dist/: /readyz 200, a message answered through the Bot Connector, the prebuilt tab client served', async () => {
    const data = join(work, 'data-dev');
    let connector: FakeConnector | undefined;
    let server: Started | undefined;
    let exitCode: number | null | undefined;
    try {
      connector = await startFakeConnector();
      const t0 = Date.now();
      // No NODE_ENV and no Bot Framework credentials: anonymous local mode, which takes a plain POST.
      server = await startServer('npm', ['start'], app, cleanEnv({ PORT: '0', DEMO_SITE_PORT: '0', VEIVISER_DATA_DIR: data, LOG_LEVEL: 'warn', FAQ_RECRAWL_INTERVAL_MINUTES: '0', CRAWL_DELAY_MS: '0' }));
      assert.match(server.stderr(), /kjører den kompilerte koden i dist\//);
      const ready = await waitReady(server.url);
      assert.equal(ready.status, 200, ready.body);
      console.log(`      start to /readyz 200 (first crawl of the demo site included): ${((Date.now() - t0) / 1000).toFixed(1)} s`);

      const activity = {
        type: 'message', id: 'prod-1', channelId: 'msteams', serviceUrl: connector.url, timestamp: new Date().toISOString(),
        from: { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' }, recipient: { id: '28:veiviser-bot', name: 'Veiviser' },
        conversation: { id: 'a:personal-kari', conversationType: 'personal', tenantId: 'tenant-fjordvik' },
        channelData: { tenant: { id: 'tenant-fjordvik' } }, locale: 'nb-NO', text: 'hvordan blir man praksiskandidat?',
      };
      const res = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      assert.equal(res.status, 200, await res.text());
      const until = Date.now() + 15_000;
      while (!connector.sent.some((s) => s.conversationId === 'a:personal-kari') && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      const reply = connector.sent.find((s) => s.conversationId === 'a:personal-kari');
      assert.ok(reply, `the bot answered through the Bot Connector\n${server.stderr().slice(-2000)}`);
      assert.match(JSON.stringify(reply.activity), /praksiskandidat/i, 'the answer is about the question');

      const js = await fetch(`${server.url}/tab/app.js`);
      assert.equal(js.status, 200);
      assert.equal(await js.text(), readFileSync(join(app, 'dist/src/tab/client.bundle.js'), 'utf8'), 'the tab gets the prebuilt bundle');
    } finally {
      // `npm start` is npm → sh → node: stop the server itself (its pid is in the lock file), as a
      // container runtime would signal it, and npm then ends with the server's exit code.
      const lock = join(data, 'veiviser.lock');
      const pid = existsSync(lock) ? (JSON.parse(readFileSync(lock, 'utf8')) as { pid: number }).pid : undefined;
      if (server) exitCode = await stop(server.child, pid);
      await connector?.close();
    }
    assert.equal(exitCode, 0, `a clean stop\n${server.stderr().slice(-2000)}`);
    assert.ok(!existsSync(join(data, 'veiviser.lock')), 'the clean stop released the data directory');
  });

  it('node dist/src/index.js with NODE_ENV=production (the container\'s command): /healthz and /readyz 200, an activity without a token refused', async () => {
    let server: Started | undefined;
    let exitCode: number | null | undefined;
    try {
      server = await startServer(process.execPath, ['--enable-source-maps', 'dist/src/index.js'], app, cleanEnv({
        NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', DEMO_SITE_PORT: '0', VEIVISER_DATA_DIR: join(work, 'data-prod'), LOG_LEVEL: 'warn',
        FAQ_RECRAWL_INTERVAL_MINUTES: '0', CRAWL_DELAY_MS: '0',
        MicrosoftAppType: 'SingleTenant', MicrosoftAppId: '6f1c2a9e-3b7d-4e21-9a55-0c8e2f4b7d11', MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppTenantId: '8a4f3c2e-1d6b-4f7a-9e0c-5b2d7a1c3e9f',
      }));
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      const ready = await waitReady(server.url);
      assert.equal(ready.status, 200, ready.body);
      const res = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'hei' }) });
      assert.equal(res.status, 401);
      assert.equal((await fetch(`${server.url}/api/tab/dev-login`, { method: 'POST' })).status, 404, 'no development login in production');
    } finally {
      if (server) exitCode = await stop(server.child);
    }
    assert.equal(exitCode, 0, `a clean stop\n${server.stderr().slice(-2000)}`);
  });
});
