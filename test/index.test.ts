import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exited, startVeiviserProcess as startVeiviser } from './helpers/process.js';

const START = [process.execPath, ['--import', 'tsx', 'src/index.ts']] as const;

describe('npm start', function () {
  this.timeout(120_000);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'veiviser-start-'));
    env = { ...process.env, NODE_ENV: 'development', PORT: '0', DEMO_SITE_PORT: '0', VEIVISER_DATA_DIR: dir, LOG_LEVEL: 'silent', FAQ_RECRAWL_INTERVAL_MINUTES: '0', CRAWL_DELAY_MS: '0' };
    delete env.DATABASE_URL;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start in production without Bot Framework credentials, naming the variable', () => {
    const prod: NodeJS.ProcessEnv = { ...env, NODE_ENV: 'production' };
    delete prod.MicrosoftAppId;
    delete prod.MicrosoftAppPassword;
    const r = spawnSync(START[0], [...START[1]], { env: prod, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /MicrosoftAppId/);
    assert.match(r.stderr, /NODE_ENV=production/);
  });

  it('lowdb: a second process on the same data directory refuses to start; a lock left by kill -9 is taken over', async () => {
    const first = await startVeiviser(env);
    try {
      const second = spawnSync(START[0], [...START[1]], { env, encoding: 'utf8', timeout: 45_000 });
      assert.equal(second.status, 1);
      assert.match(second.stderr, /brukes allerede av en annen Veiviser-prosess \(pid \d+\)/);
      assert.match(second.stderr, /DATABASE_URL/);
    } finally {
      first.kill('SIGKILL');
      await exited(first);
    }
    assert.ok(existsSync(join(dir, 'veiviser.lock')), 'kill -9 leaves the lock behind');
    const third = await startVeiviser(env);
    let tail = '';
    third.stderr!.on('data', (d: Buffer) => (tail += d.toString()));
    third.kill('SIGTERM');
    await exited(third);
    assert.equal(third.exitCode, 0, tail);
    assert.ok(!existsSync(join(dir, 'veiviser.lock')), 'a clean stop removes it');
  });

  it('stops with a clear error on a hand-broken data file, and leaves the file as it was', () => {
    const broken = '{"version":1,"questions":[{"id":"q1"'; // cut off mid-way
    writeFileSync(join(dir, 'veiviser.json'), broken);
    const r = spawnSync(START[0], [...START[1]], { env, encoding: 'utf8', timeout: 45_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /veiviser\.json er ødelagt/);
    assert.equal(readFileSync(join(dir, 'veiviser.json'), 'utf8'), broken);
  });
});
