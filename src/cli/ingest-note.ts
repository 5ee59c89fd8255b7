/**
 * What `npm run ingest` crawled into a data directory (ingest.json beside the store's files), so
 * that `npm run ask` knows whether the bundled demo site's curated entries belong to it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const IngestNote = z.object({ startUrl: z.string(), demoSite: z.boolean() });
export type IngestNote = z.infer<typeof IngestNote>;

export function writeIngestNote(dataDir: string, note: IngestNote): void {
  writeFileSync(join(dataDir, 'ingest.json'), `${JSON.stringify(note)}\n`);
}

/** The note, or undefined when there is none (a data directory the app itself crawled) or it is unreadable. */
export function readIngestNote(dataDir: string): IngestNote | undefined {
  try {
    return IngestNote.parse(JSON.parse(readFileSync(join(dataDir, 'ingest.json'), 'utf8')));
  } catch {
    return undefined;
  }
}
