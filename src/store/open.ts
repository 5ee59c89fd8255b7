/**
 * Opens the store the configuration names: PostgreSQL when DATABASE_URL is set, else the embedded
 * lowdb data directory. One place, used by the app and the command-line tools alike.
 */
import type { Config } from '../config.js';
import type { Logger } from 'pino';
import { LowdbStore } from './lowdb-store.js';
import { PgStore } from './pg-store.js';
import type { Store } from './store.js';

export async function openStore(config: Config, log?: Logger): Promise<Store> {
  return config.database ? PgStore.open({ url: config.database.url, poolSize: config.database.poolSize, log }) : LowdbStore.open(config.dataDir);
}
