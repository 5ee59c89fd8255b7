/**
 * npm run ingest -- <start-url> [--data-dir DIR] [--concurrency N] [--delay-ms MS]
 * Crawls a county site into the data directory (incrementally, when it has been crawled
 * before). Without a start URL it crawls the bundled demo site. Progress on stderr, the
 * summary on stdout. The store is the one the configuration names (DATABASE_URL, else
 * VEIVISER_DATA_DIR, default ./data); --data-dir always means the lowdb files in that directory.
 */
import { parseArgs } from 'node:util';
import { loadToolConfigOrExit } from '../config.js';
import { startDemoSite, type DemoSite } from '../demosite/server.js';
import { formatReport, ingestSite } from '../faq/ingest.js';
import { openStore } from '../store/open.js';
import { writeIngestNote } from './ingest-note.js';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
  'data-dir': { type: 'string' },
  concurrency: { type: 'string' },
  'delay-ms': { type: 'string' },
  'max-pages': { type: 'string' },
  },
});

async function main(): Promise<void> {
  const config = loadToolConfigOrExit(process.env, { dataDir: values['data-dir'] });
  let demo: DemoSite | undefined;
  let startUrl = positionals[0];
  if (!startUrl) {
    demo = await startDemoSite(0);
    startUrl = demo.url;
    process.stderr.write(`Ingen start-URL: henter det innebygde demonettstedet (${startUrl}).\n`);
  }
  try {
    new URL(startUrl);
  } catch {
    throw new Error(`Ugyldig start-URL: ${startUrl}`);
  }
  const store = await openStore(config);
  // Instances of the app may share a PostgreSQL store: crawl only with the one crawl's claim (a
  // lowdb store this process just opened always gives it).
  const claim = await store.claimCrawl();
  const tty = process.stderr.isTTY;
  let last = 0;
  try {
    if (!claim) throw new Error('en annen prosess henter nettstedet inn i databasen akkurat nå; prøv igjen senere');
    const result = await ingestSite(store, {
      startUrl,
      concurrency: values.concurrency ? Number(values.concurrency) : undefined,
      delayMs: values['delay-ms'] !== undefined ? Number(values['delay-ms']) : demo ? 0 : undefined,
      maxPages: values['max-pages'] ? Number(values['max-pages']) : undefined,
      onProgress: (p) => {
        const line = `[${p.done}/${p.done + p.queued}] hentet ${p.fetched}, uendret ${p.unchanged}, feilet ${p.failed}`;
        if (tty) process.stderr.write(`\r${line.padEnd(70)}`);
        else if (Date.now() - last > 2000) {
          last = Date.now();
          process.stderr.write(`${line}\n`);
        }
      },
    });
    if (tty) process.stderr.write('\n');
    // The note sits beside the lowdb files (PostgreSQL has no data directory).
    if (!config.database) writeIngestNote(config.dataDir, { startUrl, demoSite: Boolean(demo) });
    process.stdout.write(`${formatReport(result.report)}\nData: ${config.database ? 'PostgreSQL (DATABASE_URL)' : config.dataDir}\n`);
  } finally {
    // A crawl that fails still frees the claim and the store (its lock), and stops the demo site.
    await claim?.release();
    await store.close();
    await demo?.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`ingest feilet: ${err.message}\n`);
  process.exit(1);
});
