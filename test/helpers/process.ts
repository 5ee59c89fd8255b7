/** The app as a real process (`node --import tsx src/index.ts`, what `npm start` runs), for tests and benchmarks that start, kill and restart it. */
import { spawn, type ChildProcess } from 'node:child_process';

/** Starts the app with `env` and resolves once it says it listens (rejects if it exits or takes longer than `timeoutMs`). */
export function startVeiviserProcess(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`did not start: ${err}`)); }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('Veiviser kjører på')) { clearTimeout(timer); resolve(child); }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}: ${err}`));
      // Evidence when it dies on its own later (a kill by the test is not news).
      if (signal !== 'SIGKILL' && signal !== 'SIGTERM' && code !== 0) console.log(`      the app exited ${code} ${signal}: ${err.slice(-2000)}`);
    });
  });
}

/** Resolves when the process has exited (at once if it already has). */
export function exited(c: ChildProcess): Promise<void> {
  return new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
}
