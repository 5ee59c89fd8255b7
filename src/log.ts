/** Structured JSON logs (pino), one line per event. Never a message text, a name or an identity number. */
import { pino, type Logger } from 'pino';

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: { app: 'veiviser' }, timestamp: pino.stdTimeFunctions.isoTime }, destination ?? process.stdout);
}
