/**
 * Composition root: reads the config once, starts the app, stops cleanly on SIGINT/SIGTERM.
 */
import { startApp } from './app.js';
import { loadConfigOrExit } from './config.js';
import { createLogger } from './log.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel);
  const app = await startApp(config, log);
  // Handlers first: whoever reads the line below may stop the process at once.
  const stop = async (): Promise<void> => {
    try {
      await app.close();
      process.exit(0);
    } catch (err) {
      process.stderr.write(`Veiviser stoppet med en feil: ${(err as Error).message}\n`);
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  process.stderr.write(
    `\nVeiviser kjører på ${app.url}/api/messages` +
      (config.bot ? '' : ' (lokal modus uten Bot Framework-legitimasjon)') +
      `\nFanen (saker, statistikk): ${app.url}/tab` +
      `\nFylkets nettsted: ${app.siteUrl}` +
      `\nPrøv i Microsoft 365 Agents Playground: npm run playground i et annet vindu (den kobles til denne appen)\n\n`,
  );
}

main().catch((err: Error) => {
  process.stderr.write(`Veiviser kunne ikke starte: ${err.message}\n`);
  process.exit(1);
});
