/**
 * `npm start` (package.json "start"). One command for a newcomer and for production:
 *
 *   - NODE_ENV=production: the compiled server, dist/src/index.js (`npm run build` first; it
 *     refuses to start without it). Production never runs TypeScript through tsx or bundles with
 *     esbuild: both are devDependencies, gone after `npm prune --omit=dev`.
 *   - otherwise, with tsx installed (after `npm install`): the TypeScript sources through tsx, as
 *     before — so the README's `npm install && npm start` needs no build step, and an edit to
 *     src/ (or to lexicon.json, the decision model, a card template) counts at the next start. A
 *     dist/ left over from an earlier build is never run by mistake in place of newer sources.
 *   - otherwise (no tsx: an install without devDependencies) the compiled server, if built.
 *
 * Why not "dist/ when it is up to date, else tsx": deciding "up to date" means comparing every
 * source, JSON and template file with the build, which mtimes after a git checkout get wrong;
 * the environment says plainly which one is meant. Either way the server runs in this process
 * (no child process), so SIGTERM from a container runtime or Ctrl-C reaches its own handlers.
 * Plain JavaScript, because it has to run before anything is compiled and without tsx.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const compiled = new URL('../dist/src/index.js', import.meta.url);
const sources = new URL('../src/index.ts', import.meta.url);

function tsxInstalled() {
  try {
    createRequire(import.meta.url).resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

if (process.env.NODE_ENV === 'production') {
  if (!existsSync(compiled)) fail('NODE_ENV=production kjører den kompilerte koden, men dist/src/index.js finnes ikke: kjør npm run build først.');
  await import(compiled.href);
} else if (tsxInstalled()) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else if (existsSync(compiled)) {
  process.stderr.write('tsx er ikke installert (installasjon uten devDependencies): kjører den kompilerte koden i dist/.\n');
  await import(compiled.href);
} else {
  fail('Verken tsx (npm install) eller den kompilerte koden (npm run build) finnes: kjør npm install.');
}
