/**
 * npm run ask -- --data-dir DIR [--jsonl] ["question"]
 * Answers questions from an ingested data directory exactly as the bot would. With --jsonl it
 * reads one question per line on stdin and writes one JSON object per line, in order:
 * {"question","decision":"answer|clarify|escalate|nav|refused","results":[{"url","title","score"}]}
 * A question holding a national identity number is refused (decision "refused", no results) and
 * the number is not echoed. The store is the one the configuration names (DATABASE_URL, else
 * VEIVISER_DATA_DIR, default ./data); --data-dir always means the lowdb files in that directory.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { DEMO_CURATED_FILE } from '../app.js';
import { loadToolConfigOrExit } from '../config.js';
import { readIngestNote } from './ingest-note.js';
import { FaqService, loadCurated, toDocs } from '../faq/faq-service.js';
import { loadDecisionModel } from '../faq/decision-model.js';
import { Analyzer, loadLexicon } from '../faq/text.js';
import { containsIdentityNumber, maskIdentityNumbers } from '../privacy/identity-number.js';
import { openStore } from '../store/open.js';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
  'data-dir': { type: 'string' },
  jsonl: { type: 'boolean', default: false },
  curated: { type: 'string' },
  },
});

export function answerLine(faq: FaqService, question: string): string {
  if (containsIdentityNumber(question)) return JSON.stringify({ question: maskIdentityNumbers(question), decision: 'refused', results: [] });
  const r = faq.ask(question);
  return JSON.stringify({
    question,
    decision: r.decision,
    results: r.hits.slice(0, 5).map((h) => ({ url: h.doc.url, title: h.doc.heading === h.doc.title ? h.doc.title : `${h.doc.title} – ${h.doc.heading}`, score: Math.round(h.score * 1000) / 1000 })),
  });
}

async function main(): Promise<void> {
  const config = loadToolConfigOrExit(process.env, { dataDir: values['data-dir'] });
  const { dataDir } = config;
  const store = await openStore(config);
  const pages = await store.listPages();
  if (pages.length === 0) {
    throw new Error(config.database ? 'Ingen sider i databasen (DATABASE_URL). Kjør først: npm run ingest -- <start-url>' : `Ingen sider i ${dataDir}. Kjør først: npm run ingest -- <start-url> --data-dir ${dataDir}`);
  }
  const site = new URL(pages[0].url).origin;
  // Curated entries belong to one site: the demo's apply only when `npm run ingest` crawled the
  // bundled demo site into this data directory (it says so in ingest.json), never to another
  // county's site, even one served on loopback.
  const curatedFile = values.curated ?? config.curatedFile ?? (!config.database && readIngestNote(dataDir)?.demoSite ? DEMO_CURATED_FILE : undefined);
  const curated = curatedFile ? loadCurated(curatedFile) : [];
  const faq = new FaqService(new Analyzer(loadLexicon(config.lexiconFile)), loadDecisionModel(config.decisionModelFile), toDocs(pages, curated, site));
  if (values.jsonl) {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of rl) {
      const q = line.trim();
      if (!q) continue;
      process.stdout.write(`${answerLine(faq, q)}\n`);
    }
  } else {
    for (const q of positionals) process.stdout.write(`${JSON.stringify(JSON.parse(answerLine(faq, q)), null, 2)}\n`);
  }
  await store.close();
}

main().catch((err: Error) => {
  process.stderr.write(`ask feilet: ${err.message}\n`);
  process.exit(1);
});
