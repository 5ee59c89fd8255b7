import { PgStore } from '../../src/store/pg-store.js';
import { requirePostgres, testPostgres } from '../helpers/postgres.js';
import { storeContract } from './contract.js';

describe('PostgreSQL store', function () {
  this.timeout(120_000);
  before(async function () {
    requirePostgres(this, 'PostgreSQL store contract', 'the same contract ran on the lowdb adapter only');
    await testPostgres();
  });
  storeContract('PostgreSQL', async () => {
    const url = await (await testPostgres()).createDatabase('contract');
    let current = await PgStore.open({ url, poolSize: 20 });
    return {
      store: current,
      async reopen() {
        await current.close();
        current = await PgStore.open({ url });
        return current;
      },
      async close() {
        await current.close();
      },
    };
  });
});
