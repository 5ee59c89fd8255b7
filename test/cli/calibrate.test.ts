/**
 * `npm run calibrate -- --from-usage`, as a county's admin runs it against the app's own store:
 * it refuses on too few labels (and writes nothing), and with enough it writes a model refitted
 * from the veiledere's feedback that the app can load.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURES, loadDecisionModel } from '../../src/faq/decision-model.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';

function calibrate(dataDir: string, out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'calibrate', '--', '--from-usage', '--out', out], {
      cwd: process.cwd(),
      env: { ...process.env, VEIVISER_DATA_DIR: dataDir, DATABASE_URL: '', FAQ_DECISION_MODEL_FILE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Questions answered or clarified, with the veileder's feedback: right when the top section covered most of the question. */
async function seed(dataDir: string, count: number): Promise<void> {
  const store = await LowdbStore.open(dataDir);
  const cov = FEATURES.indexOf('topSecCov');
  const at = new Date().toISOString();
  for (let i = 0; i < count; i++) {
    const features = FEATURES.map((_, j) => ((i * (j + 5)) % 11) / 11);
    features[cov] = (i % 50) / 50;
    const right = features[cov] > 0.5;
    const clarify = i % 3 === 0;
    await store.recordQuestion({ id: `q${i}`, at, userHash: 'h', conversationType: 'personal', outcome: clarify ? 'clarify' : 'answer', decision: { p1: 0.5, p3: 0.6, features } });
    if (clarify) await store.setChoice(`q${i}`, right ? 0 : -1, at);
    else await store.setFeedback(`q${i}`, right, at);
  }
  await store.close();
}

describe('command line: npm run calibrate -- --from-usage', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'veiviser-calibrate-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to refit on too few labels, says why, and writes nothing', async () => {
    await seed(join(dir, 'data'), 30);
    const out = join(dir, 'model.json');
    const r = await calibrate(join(dir, 'data'), out);
    assert.equal(r.code, 1);
    assert.match(r.output, /For få tilbakemeldinger.*30 spørsmål med tilbakemelding.*Modellen er ikke endret/);
    assert.equal(existsSync(out), false);
  });

  it('with enough labels, writes a model refitted from this county\'s feedback that loads', async () => {
    await seed(join(dir, 'data'), 300);
    const out = join(dir, 'model.json');
    const r = await calibrate(join(dir, 'data'), out);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /300 spørsmål med tilbakemelding/);
    const m = loadDecisionModel(out);
    assert.equal(m.fitted.from, 'usage');
    assert.equal(m.fitted.rows, 300);
    assert.equal(m.answer, loadDecisionModel().answer, 'the cut-offs stay as fitted on the counties');
  });
});
