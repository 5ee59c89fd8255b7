/**
 * npm run playground [-- <extra agentsplayground options>]
 * Starts Veiviser exactly as `npm start` does (same environment, same data directory) and then
 * the Microsoft 365 Agents Playground (@microsoft/m365agentsplayground, a local Teams mock, fully
 * offline, no Bot Framework credentials) pointing at it, and prints the playground's URL.
 * Ctrl-C / SIGTERM stops both.
 *
 * The playground gets the Veiviser test tenant (test/fixtures/playground/.m365agentsplayground.yml:
 * Norwegian users, the team "Utdanningsteamet") unless M365_AGENTS_PLAYGROUND_CONFIG_PATH is set,
 * does not open a browser unless TEAMSAPPTESTER_BROWSER is set, uses port 56150 unless
 * TEAMSAPPTESTER_PORT is set (it picks a free one if that is taken), and writes its log to
 * ./devTools/. The playground listens on 127.0.0.1 only (loopback-listen.cjs), like Veiviser.
 *
 * If Veiviser is already running (`npm start` on the same PORT answers /healthz), the playground
 * attaches to it instead of starting a second app on the same data directory.
 *
 * `startPlayground` is also used by test/e2e/playground.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startApp } from '../app.js';
import { loadConfigOrExit } from '../config.js';
import { createLogger } from '../log.js';

/** The pinned playground CLI (its HTTP API is internal; see docs in the toolchain notes). */
export const PLAYGROUND_BIN = fileURLToPath(new URL('../../node_modules/.bin/agentsplayground', import.meta.url));
/** Makes every server the playground opens without a host listen on 127.0.0.1 only. */
export const LOOPBACK_PRELOAD = fileURLToPath(new URL('./loopback-listen.cjs', import.meta.url));
/** Veiviser's playground tenant: Norwegian users, team "Utdanningsteamet" with a channel. */
export const PLAYGROUND_CONFIG = fileURLToPath(new URL('../../test/fixtures/playground/.m365agentsplayground.yml', import.meta.url));

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  /** -p; omitted: the playground's own default (TEAMSAPPTESTER_PORT or 56150, or a free port if taken). */
  port?: number;
  /** Working directory; the playground writes devTools/ (its log) there. */
  cwd?: string;
  /** Complete environment for the playground (default: this process's environment). */
  env?: NodeJS.ProcessEnv;
  /** More agentsplayground options, appended as given. */
  extraArgs?: string[];
  /** Every chunk of the playground's stdout/stderr. */
  onOutput?: (text: string) => void;
  /** How long to wait for it to answer /_debug/ping (default 30 s). */
  timeoutMs?: number;
}

export interface Playground {
  /** The web UI, e.g. http://127.0.0.1:56150 */
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the playground has printed so far (the last 64 kB). */
  output(): string;
  /** Stops the playground's process group: SIGTERM, then SIGKILL after 5 s. Idempotent. */
  stop(): Promise<void>;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** The environment the playground should get: no browser, Veiviser's tenant, unless the caller's env says otherwise. */
export function playgroundEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    TEAMSAPPTESTER_BROWSER: base.TEAMSAPPTESTER_BROWSER || 'none',
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: base.M365_AGENTS_PLAYGROUND_CONFIG_PATH || PLAYGROUND_CONFIG,
  };
}

/** Spawns the playground in its own process group and resolves when it answers /_debug/ping. */
export async function startPlayground(o: PlaygroundOptions): Promise<Playground> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  // --require loopback-listen.cjs: the playground listens on 127.0.0.1 only (it has no option for that).
  const args = ['--require', LOOPBACK_PRELOAD, realpathSync(PLAYGROUND_BIN), '-e', o.botEndpoint, '-c', 'msteams', '--disable-telemetry'];
  if (o.port !== undefined) args.push('-p', String(o.port));
  args.push(...(o.extraArgs ?? []));
  // process.execPath (not the shebang's `env node`) so it runs on the same Node as we do.
  const child = spawn(process.execPath, args, {
    cwd: o.cwd ?? process.cwd(),
    env: o.env ?? playgroundEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: stop() kills it and anything it starts
  });
  let out = '';
  let listeningPort: number | undefined;
  const onData = (buf: Buffer) => {
    const text = buf.toString('utf8');
    out = (out + text).slice(-65_536);
    listeningPort ??= Number(/Listening on (\d+)/.exec(out)?.[1]) || undefined;
    o.onOutput?.(text);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  let exited = child.exitCode !== null;
  let spawnError: Error | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (err) => {
      spawnError = err;
      exited = true;
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (!exited && child.pid) {
      const kill = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          /* already gone */
        }
      };
      kill('SIGTERM');
      await Promise.race([exit, delay(5_000)]);
      if (!exited) {
        kill('SIGKILL');
        await Promise.race([exit, delay(2_000)]);
      }
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
  };

  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (spawnError) throw new Error(`agentsplayground kunne ikke startes (${PLAYGROUND_BIN}): ${spawnError.message}`);
      if (exited) throw new Error(`agentsplayground avsluttet under oppstart (kode ${child.exitCode ?? child.signalCode}):\n${out.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`agentsplayground svarte ikke på /_debug/ping innen ${timeoutMs} ms:\n${out.slice(-2000)}`);
      const port = listeningPort;
      if (port) {
        const pong = await fetch(`http://127.0.0.1:${port}/_debug/ping`, { signal: AbortSignal.timeout(2_000) })
          .then(async (r) => (r.ok ? (await r.text()).trim() : ''))
          .catch(() => '');
        if (pong === 'pong') return { url: `http://127.0.0.1:${port}`, port, child, output: () => out, stop };
      }
      await delay(200);
    }
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A Veiviser already answering on this port (npm start in another terminal), or undefined. */
async function runningVeiviser(port: number): Promise<string | undefined> {
  const url = `http://127.0.0.1:${port}`;
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1500) });
    const body = (await res.json().catch(() => ({}))) as { status?: string; index?: string };
    return res.ok && body.status === 'ok' && typeof body.index === 'string' ? url : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel);
  // `npm start` is already running (it holds the data directory): attach the playground to it.
  const attached = await runningVeiviser(config.port);
  const app = attached
    ? { url: attached, siteUrl: '(se vinduet der npm start kjører)', ready: Promise.resolve(), close: async () => undefined }
    : await startApp(config, log);
  if (attached) process.stderr.write(`Veiviser kjører allerede på ${attached} (npm start): Playground kobles til den.\n`);
  if (config.bot) {
    process.stderr.write(
      '\nMerk: MicrosoftAppId er satt, så Veiviser krever Bot Framework-autentisering. Playground sender uautentiserte forespørsler ' +
        'med mindre du gir den --client-id/--client-secret/--tenant-id (npm run playground -- --client-id …). ' +
        'For lokal testing: fjern MicrosoftAppId/MicrosoftAppPassword.\n',
    );
  }
  const endpoint = `${app.url}/api/messages`;
  const starting = startPlayground({
    botEndpoint: endpoint,
    extraArgs: process.argv.slice(2),
    // The playground's own lines (telemetry notices, "Listening on") go to stderr, prefixed.
    onOutput: (text) => process.stderr.write(text.replace(/^(?=.)/gm, '[playground] ')),
  });
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // Also when Ctrl-C comes while the playground is still starting: wait for it, then stop it.
    await starting.then((pg) => pg.stop(), () => undefined);
    await app.close();
    process.exit(code);
  };
  // `on`, not `once`: Ctrl-C under npm/tsx delivers SIGINT twice (terminal + tsx relay), and a
  // second one must not kill us before the playground (its own process group) is stopped.
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  let playground: Playground;
  try {
    playground = await starting;
  } catch (err) {
    if (stopping) return;
    process.stderr.write(`Playground kunne ikke starte: ${(err as Error).message}\n`);
    await app.close();
    process.exit(1);
  }
  if (stopping) return;
  playground.child.once('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`Playground avsluttet (${code ?? signal}); stopper Veiviser.\n`);
    void stop(code ?? 1);
  });
  process.stderr.write(
    `\nVeiviser kjører på ${endpoint}` +
      (config.bot ? '' : ' (lokal modus uten Bot Framework-legitimasjon)') +
      `\nFylkets nettsted: ${app.siteUrl}` +
      `\nFanen (saker, bookinger, statistikk): ${app.url}/tab` +
      `\nMicrosoft 365 Agents Playground: ${playground.url}  (Ctrl-C stopper ${attached ? 'Playground; npm start fortsetter' : 'begge'})\n\n`,
  );
  app.ready.then(
    () => process.stderr.write('Søkeindeksen er klar – spør i «Personal Chat».\n'),
    () => undefined, // startApp logs first_index_failed
  );
}

const isMain = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (isMain) {
  main().catch((err: Error) => {
    process.stderr.write(`Veiviser playground kunne ikke starte: ${err.message}\n`);
    process.exit(1);
  });
}
