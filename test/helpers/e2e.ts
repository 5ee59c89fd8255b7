/**
 * Shared by the end-to-end tests that drive the Microsoft 365 Agents Playground's web UI in
 * headless Debian Chromium: the browser's path and flags, where artifacts go, the skip/fail rule
 * when Chromium is missing, and bounded waiting.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
/** Without the background-networking flags Chromium tries the closed network at every start. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
export const UI_TIMEOUT = 20_000;

/**
 * Without Chromium the suite is skipped with a line saying why — or fails when CI=true, where a
 * missing service is a failure, never a skip.
 */
export function requireChromium(ctx: Mocha.Context, suite: string): void {
  if (existsSync(CHROMIUM)) return;
  const why = `${CHROMIUM} not installed (apt-get install -y chromium)`;
  if (process.env.CI === 'true') throw new Error(`${suite} cannot run in CI: ${why}`);
  console.log(`    ${suite} skipped: ${why}`);
  ctx.skip();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function withTimeout<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns a value (not undefined), at most `ms`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
