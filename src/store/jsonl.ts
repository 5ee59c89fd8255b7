/**
 * Append-only JSON-lines files, shared by the question log and the state journal of the lowdb
 * store: appending durably (one write and one fdatasync for many lines), and reading back with
 * what a crash can leave at the end cut off.
 */
import { readFileSync, truncateSync } from 'node:fs';
import { open, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDir } from './durable-file.js';
import { StoreCorruptError } from './store.js';

/**
 * Appends `text` (whole lines) and fdatasyncs the file; a new file's name is made durable too
 * (fsync of its directory). On failure the file is cut back to its size before, so it never
 * keeps a line whose caller was told it failed. Returns the bytes appended.
 */
export async function appendDurably(file: string, text: string): Promise<number> {
  const fh = await open(file, 'a');
  let size = -1;
  try {
    size = (await fh.stat()).size;
    await fh.appendFile(text);
    await fh.datasync();
  } catch (err) {
    if (size >= 0) await truncate(file, size).catch(() => undefined);
    throw err;
  } finally {
    await fh.close();
  }
  if (size === 0) await fsyncDir(dirname(file));
  return Buffer.byteLength(text);
}

/**
 * Reads the lines of a JSON-lines file, each checked by `valid`. Lines at the end that are cut off
 * or not valid were never acknowledged (acknowledgement waits for the fdatasync of the whole
 * write), so they are cut off the file; a bad line with good lines after it is damage the store
 * does not guess about: StoreCorruptError, the file left as it was. `repair: false` only reads.
 */
export function readLines<T>(file: string, valid: (v: unknown) => v is T, repair = true): { lines: T[]; bytes: number } {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], bytes: 0 };
    throw err;
  }
  const lines: T[] = [];
  let start = 0;
  let good = 0;
  let broken = -1;
  let lineNo = 0;
  let brokenLine = 0;
  while (start < buf.length) {
    lineNo++;
    const nl = buf.indexOf(0x0a, start);
    const end = nl < 0 ? buf.length : nl;
    const text = buf.subarray(start, end).toString('utf8');
    let value: unknown;
    if (nl >= 0) {
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
    }
    if (nl >= 0 && text.trim() === '') {
      // An empty line: harmless.
    } else if (value !== undefined && valid(value)) {
      if (broken >= 0) throw new StoreCorruptError(file, new Error(`linje ${brokenLine} kan ikke leses`));
      lines.push(value);
    } else if (broken < 0) {
      broken = start;
      brokenLine = lineNo;
    }
    if (broken < 0) good = nl < 0 ? buf.length : nl + 1;
    start = nl < 0 ? buf.length : nl + 1;
  }
  if (good < buf.length && repair) truncateSync(file, good);
  return { lines, bytes: good };
}
