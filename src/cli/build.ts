/**
 * npm run build: the production build in dist/, so that a server installed with
 * `npm prune --omit=dev` (or `npm ci --omit=dev` on a copy of dist/) runs without tsx or esbuild.
 *
 * 1. tsc -p tsconfig.build.json compiles src/ to dist/src/ (ES modules, `.js` imports as written).
 * 2. The files the code reads by path at run time are copied into dist/ at the same place
 *    relative to the code as in the repository. The modules find them through
 *    `new URL('…', import.meta.url)` (src/faq/lexicon.json, src/faq/decision-model.json,
 *    src/booking/counsellors.demo.json, src/store/migrations/, src/tab/client/tab.css,
 *    ../../adaptive-cards/, ../test/fixtures/demo-site/), and the same relative URL from
 *    dist/src/… lands on the copy. Copying (rather than resolving from the package root) keeps
 *    dist/ self-contained: the container image holds dist/, node_modules/ and package.json and
 *    nothing else, and no module needs to know whether it runs compiled. The price: dist/ is a
 *    snapshot, so an edited lexicon or decision model needs `npm run build` again (or
 *    FAQ_LEXICON_FILE / FAQ_DECISION_MODEL_FILE pointing at the file).
 * 3. The tab's client is bundled into dist/src/tab/client.bundle.js, which src/tab/page.ts serves
 *    when it is there (see that file).
 *
 * Only what the build writes is replaced (dist/src, dist/adaptive-cards, dist/test): `npm run
 * package` keeps its zip in dist/ too.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleTabClient } from '../tab/page.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = join(ROOT, 'dist');

/** Folders (relative to the package root) copied whole into dist/: read by path at run time. */
export const COPIED_DIRS = ['adaptive-cards', 'test/fixtures/demo-site', 'manifest'];

/** Every file under src/ that is not TypeScript (JSON data, SQL migrations, CSS), as paths relative to the root. */
function nonTypeScriptFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...nonTypeScriptFiles(p));
    else if (!name.endsWith('.ts')) out.push(relative(ROOT, p));
  }
  return out;
}

function step(label: string, run: () => void): void {
  const t0 = Date.now();
  run();
  process.stderr.write(`${label} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
}

async function main(): Promise<void> {
  for (const d of ['src', ...COPIED_DIRS.map((c) => c.split('/')[0])]) rmSync(join(DIST, d), { recursive: true, force: true });

  step('tsc -p tsconfig.build.json → dist/src', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`tsc stoppet med kode ${r.status ?? r.signal}`);
  });

  step('filer koden leser ved kjøring → dist/', () => {
    for (const f of nonTypeScriptFiles(join(ROOT, 'src'))) {
      mkdirSync(dirname(join(DIST, f)), { recursive: true });
      cpSync(join(ROOT, f), join(DIST, f));
    }
    for (const d of COPIED_DIRS) cpSync(join(ROOT, d), join(DIST, d), { recursive: true });
  });

  const t0 = Date.now();
  const bundle = await bundleTabClient();
  writeFileSync(join(DIST, 'src', 'tab', 'client.bundle.js'), bundle);
  process.stderr.write(`fanens klient → dist/src/tab/client.bundle.js, ${Math.round(bundle.length / 1024)} kB (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  process.stderr.write('Ferdig. Start med NODE_ENV=production npm start (eller node dist/src/index.js).\n');
}

main().catch((err: Error) => {
  process.stderr.write(`Bygget feilet: ${err.message}\n`);
  process.exit(1);
});
