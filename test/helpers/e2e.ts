/**
 * Shared by the end-to-end tests that drive the Microsoft 365 Agents Playground's web UI in
 * headless Debian Chromium: the browser's path and flags, where artifacts go, the skip/fail rule
 * when Chromium is missing, and bounded waiting.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startApp, type App } from '../../src/app.js';
import { PLAYGROUND_CONFIG, startPlayground, type Playground } from '../../src/cli/playground.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

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

/** The app, the playground and a headless browser page, started together for one e2e suite. */
export interface PlaygroundSession {
  config: Config;
  app: App;
  playground: Playground;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The bot's JSON log lines (when started with logs). */
  logs: string[];
  /** Saves what the UI showed and what the playground and the bot logged, as `<prefix>-failure*`. */
  saveFailure(): Promise<void>;
  /**
   * A screenshot test-artifacts/<prefix>-<name>.png, with `show` first scrolled to the middle of
   * the viewport (the playground scrolls to the newest post); its path goes into `shots[name]`.
   */
  shot(name: string, show?: Locator): Promise<void>;
  shots: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the app on a temp data dir and loopback ports, the Agents Playground pointing at it,
 * and Chromium. `prefix` names the artifacts (old ones with that prefix are removed).
 */
export async function startPlaygroundSession(o: {
  prefix: string;
  env?: Record<string, string>;
  viewport?: { width: number; height: number };
  /** Keep the bot's log lines (level info) for checks and failure evidence; otherwise silent. */
  keepLogs?: boolean;
}): Promise<PlaygroundSession> {
  const tmp = mkdtempSync(join(tmpdir(), `veiviser-e2e-${o.prefix}-`));
  const pgCwd = join(tmp, 'playground'); // the playground writes devTools/ into its cwd
  mkdirSync(pgCwd);
  const logs: string[] = [];
  const config = loadConfig({
    NODE_ENV: 'test', PORT: '0', VEIVISER_DATA_DIR: join(tmp, 'data'), DEMO_SITE_PORT: '0', CRAWL_DELAY_MS: '0',
    FAQ_RECRAWL_INTERVAL_MINUTES: '0', LOG_LEVEL: o.keepLogs ? 'info' : 'silent', ...o.env,
  });
  const logStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  let app: App | undefined;
  let playground: Playground | undefined;
  let browser: Browser | undefined;
  const stop = async (): Promise<void> => {
    await withTimeout('closing the browser', 10_000, (async () => browser?.close())()).catch(() => undefined);
    await playground?.stop();
    await withTimeout('closing the app', 10_000, (async () => app?.close())()).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    app = await startApp(config, createLogger(o.keepLogs ? 'info' : 'silent', logStream));
    await withTimeout('first crawl of the demo site', 60_000, app.ready);
    playground = await startPlayground({
      botEndpoint: `${app.url}/api/messages`,
      port: await freePort(),
      cwd: pgCwd,
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_CONFIG_PATH: PLAYGROUND_CONFIG },
      timeoutMs: 30_000,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    // Oslo time in the playground's own timestamps too, so they agree with the times on the cards.
    const context = await browser.newContext({ viewport: o.viewport ?? { width: 1280, height: 800 }, locale: 'nb-NO', timezoneId: 'Europe/Oslo' });
    context.setDefaultTimeout(UI_TIMEOUT);
    context.setDefaultNavigationTimeout(30_000);
    const page = await context.newPage();
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const f of readdirSync(ARTIFACTS)) if (f.startsWith(`${o.prefix}-`)) rmSync(join(ARTIFACTS, f), { force: true });
    const pg = playground;
    const shots: Record<string, string> = {};
    return {
      config, app, playground: pg, browser, context, page, logs, stop, shots,
      async shot(name, show) {
        if (show) await show.evaluate((e) => e.scrollIntoView({ block: 'center' }));
        await page.waitForTimeout(300); // let the renderer settle (fonts, the card's layout)
        shots[name] = join(ARTIFACTS, `${o.prefix}-${name}.png`);
        await page.screenshot({ path: shots[name] });
      },
      async saveFailure() {
        await page.screenshot({ path: join(ARTIFACTS, `${o.prefix}-failure.png`), fullPage: true }).catch(() => undefined);
        writeFileSync(join(ARTIFACTS, `${o.prefix}-failure-playground-output.log`), pg.output());
        const pgLog = join(pgCwd, 'devTools', 'm365agentsplayground.log');
        if (existsSync(pgLog)) copyFileSync(pgLog, join(ARTIFACTS, `${o.prefix}-failure-devtools.log`));
        if (logs.length) writeFileSync(join(ARTIFACTS, `${o.prefix}-failure-app.log`), `${logs.join('\n')}\n`);
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
