import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoSite, type DemoSite } from '../../src/demosite/server.js';
import { validIdentityNumber } from '../helpers/identity.js';

function run(args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', ...args], { cwd: process.cwd(), env: { ...process.env, VEIVISER_DATA_DIR: '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

describe('command-line contract: npm run ingest / npm run ask --jsonl', function () {
  this.timeout(120_000);
  let site: DemoSite;
  let dir: string;
  before(async () => {
    site = await startDemoSite(0);
    dir = mkdtempSync(join(tmpdir(), 'veiviser-cli-'));
  });
  after(async () => {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingests a site into a data dir and prints a summary', async () => {
    const r = await run(['ingest', '--', site.url, '--data-dir', dir, '--delay-ms', '0']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sider, \d+ avsnitt i indeksen/);
    assert.match(r.stdout, /nye \d+, endret 0, uendret 0, fjernet 0, feilet 0/);
    const again = await run(['ingest', '--', site.url, '--data-dir', dir, '--delay-ms', '0']);
    assert.match(again.stdout, /nye 0, endret 0, uendret \d+, fjernet 0/);
  });

  it('answers JSONL questions in order, one JSON object per line, as the bot would', async () => {
    const fnr = validIdentityNumber('030377');
    const questions = ['hvordan blir man praksiskandidat?', 'kan bruker beholde AAP mens hun tar fagbrev?', '', `bruker ${fnr} vil ta fagbrev`, 'frist privatisteksamen'];
    const r = await run(['ask', '--', '--data-dir', dir, '--jsonl'], questions.join('\n') + '\n');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { question: string; decision: string; results: { url: string; title: string; score: number }[] });
    assert.equal(lines.length, 4, 'blank lines are skipped');
    assert.equal(lines[0].question, questions[0]);
    assert.ok(['answer', 'clarify', 'escalate', 'nav'].includes(lines[0].decision));
    assert.ok(lines[0].results.length > 0 && lines[0].results.length <= 5);
    for (const res of lines[0].results) {
      assert.ok(res.url.startsWith(site.url), res.url);
      assert.equal(typeof res.title, 'string');
      assert.equal(typeof res.score, 'number');
    }
    const scores = lines[0].results.map((x) => x.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'best first');
    assert.ok(lines[0].results.some((x) => x.url.includes('/fagopplaering/praksiskandidat')));
    assert.equal(lines[1].decision, 'nav');
    assert.equal(lines[2].decision, 'refused');
    assert.ok(!r.stdout.includes(fnr), 'the identity number is not echoed');
    assert.equal(lines[3].question, 'frist privatisteksamen');
  });

  it('applies the demo site\'s curated entries only to the bundled demo site, not to another site on loopback', async () => {
    const q = 'Hvordan sender jeg en sak om en bruker til utdanningsteamet?\n';
    const curatedTitle = /Sende en sak til utdanningsteamet/;
    // `dir` holds a site crawled from a URL (another county, as far as the CLI can tell).
    const other = JSON.parse((await run(['ask', '--', '--data-dir', dir, '--jsonl'], q)).stdout) as { results: { title: string }[] };
    assert.ok(other.results.length > 0);
    assert.ok(!other.results.some((x) => curatedTitle.test(x.title)), 'no curated entry of the demo county');
    const demoDir = mkdtempSync(join(tmpdir(), 'veiviser-demo-'));
    try {
      const ingested = await run(['ingest', '--', '--data-dir', demoDir]);
      assert.equal(ingested.code, 0, ingested.stderr);
      const demo = JSON.parse((await run(['ask', '--', '--data-dir', demoDir, '--jsonl'], q)).stdout) as { results: { title: string }[] };
      assert.ok(demo.results.some((x) => curatedTitle.test(x.title)), 'the bundled demo site gets its curated entries');
    } finally {
      rmSync(demoDir, { recursive: true, force: true });
    }
  });

  it('reads the data dir named by --data-dir even when DATABASE_URL is set', async () => {
    const r = await run(['ask', '--', '--data-dir', dir, '--jsonl'], 'fagbrev\n', { DATABASE_URL: 'postgres://ingen@127.0.0.1:1/ingen' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1);
  });

  it('names the variable and exits with 2 on a configuration error', async () => {
    const r = await run(['ask', '--', '--jsonl'], 'fagbrev\n', { DATABASE_URL: 'mysql://x' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /DATABASE_URL/);
  });

  it('explains what to do when the data dir is empty', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'veiviser-empty-'));
    const r = await run(['ask', '--', '--data-dir', empty, '--jsonl'], 'fagbrev\n');
    rmSync(empty, { recursive: true, force: true });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /npm run ingest/);
  });
});
