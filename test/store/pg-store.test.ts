import assert from 'node:assert/strict';
import pg from 'pg';
import { PgStore } from '../../src/store/pg-store.js';
import { requirePostgres, testPostgres } from '../helpers/postgres.js';
import { storeContract } from './contract.js';

describe('PostgreSQL store', function () {
  this.timeout(120_000);
  before(async function () {
    requirePostgres(this, 'PostgreSQL store contract', 'the same contract ran on the lowdb adapter only');
    await testPostgres();
  });
  it('a crawl claim held by a process that dies is free again: the database ends the lock with its connection', async () => {
    const url = await (await testPostgres()).createDatabase('crawlclaim');
    const [one, two] = [await PgStore.open({ url }), await PgStore.open({ url })];
    try {
      const claim = await one.claimCrawl();
      assert.ok(claim);
      assert.equal(await two.claimCrawl(), undefined, 'the other instance is refused');
      // The holder's process dies: its connection ends (as kill -9 would end it).
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const killed = await admin.query(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`);
        assert.equal(killed.rows[0].n, 1);
      } finally {
        await admin.end();
      }
      let taken;
      for (let i = 0; i < 50 && !taken; i++) {
        taken = await two.claimCrawl();
        if (!taken) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(taken, 'claimed by the survivor');
      await taken.release();
      await claim.release(); // on a dead connection: no throw, the connection is dropped
    } finally {
      await two.close();
      await one.close().catch(() => undefined);
    }
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
