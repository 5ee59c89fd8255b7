/**
 * Opens the store the configuration names: PostgreSQL when DATABASE_URL is set, else the embedded
 * lowdb data directory. One place, used by the app and the command-line tools alike.
 */
import type { Config } from '../config.js';
import type { Logger } from 'pino';
import { LowdbStore } from './lowdb-store.js';
import { PgStore } from './pg-store.js';
import type { Store } from './store.js';

export async function openStore(config: Pick<Config, 'database' | 'dataDir'>, log?: Logger): Promise<Store> {
  return config.database ? PgStore.open({ url: config.database.url, poolSize: config.database.poolSize, log }) : LowdbStore.open(config.dataDir, {
    // Another process took the directory over (this one was frozen for a minute): two writers
    // from now on would lose data, so this one stops; a supervisor restarts it, and the new start
    // is refused while the other owner lives.
    onLockLost: () => {
      log?.fatal({ event: 'store_lock_lost', dataDir: config.dataDir }, 'another process has taken over the data directory; stopping');
      process.exit(1);
    },
  });
}
