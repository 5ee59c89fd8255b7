/**
 * Writing files so that a write, once it resolves, survives a crash and a power loss: the new
 * content goes to a temporary file that is fsynced, renamed over the old file, and then the
 * directory is fsynced so that the rename itself is on disk. A crash at any point leaves either
 * the old file or the new one, never a mix. steno (lowdb's writer) renames but never fsyncs.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter } from 'lowdb';

/** Makes the directory's entries (a new or renamed file in it) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** As fsyncDir, for the rare synchronous step (deleting a backup inside a state change). */
export function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `file` with `text`: temporary file, fsync, rename, fsync of the directory. */
export async function writeFileDurably(file: string, text: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  await fsyncDir(dirname(file));
}

/**
 * A lowdb adapter for one JSON file written durably (see above), compact (no pretty-printing:
 * it is 1.2–2 times smaller and faster to write). The text is made synchronously when `write` is
 * called, so the file holds the data as it was at that moment whatever happens while it is written.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  /** Size of the file as last read or written, in bytes. */
  bytes = 0;
  /** Run after the data is serialised and before it is written (the next write only). */
  before?: () => Promise<void>;

  constructor(readonly file: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    this.bytes = Buffer.byteLength(text);
    return JSON.parse(text) as T;
  }

  async write(data: T): Promise<void> {
    const text = JSON.stringify(data);
    const before = this.before;
    this.before = undefined;
    await before?.();
    await writeFileDurably(this.file, text);
    this.bytes = Buffer.byteLength(text);
  }
}
