/** Tiny shared argument handling for the command-line tools. */
import { parseArgs } from 'node:util';

export function cliArgs(options: NonNullable<Parameters<typeof parseArgs>[0]>["options"]) {
  return parseArgs({ args: process.argv.slice(2), options, allowPositionals: true, strict: true });
}
