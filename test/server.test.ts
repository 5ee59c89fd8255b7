import assert from 'node:assert/strict';
import pg from 'pg';
import sinon from 'sinon';
import { installFakeBotFrameworkSigner, type FakeBotFrameworkSigner } from './helpers/bot-framework-tokens.js';
import { startHarness, teamsActivity, type Harness } from './helpers/harness.js';
import { requirePostgres, testPostgres } from './helpers/postgres.js';

describe('the HTTP edge: readiness, metrics, rate limits, Bot Framework authentication', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ RATE_LIMIT_PER_MINUTE: '8', METRICS_TOKEN: 'metrics-secret' });
  });
  after(async () => h?.close());

  it('/healthz says alive; /readyz checks the store, the calendar and the index', async () => {
    assert.equal((await fetch(`${h.app.url}/healthz`)).status, 200);
    const r = await fetch(`${h.app.url}/readyz`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { status: 'ready', checks: { index: 'ok', store: 'ok', calendar: 'ok' } });
  });

  it('/metrics (with its token) counts requests and FAQ outcomes, and holds no message text', async () => {
    const question = 'hvordan blir man praksiskandidat hemmeligord123';
    await h.post(teamsActivity(h, { text: question }));
    assert.equal((await fetch(`${h.app.url}/metrics`)).status, 401);
    const text = await (await fetch(`${h.app.url}/metrics`, { headers: { authorization: 'Bearer metrics-secret' } })).text();
    assert.match(text, /veiviser_http_requests_total\{route="\/api\/messages",status="200"\} \d+/);
    assert.match(text, /veiviser_questions_total\{outcome="(answer|clarify|escalate)"\} 1/);
    assert.match(text, /veiviser_outbox_queue_depth \d+/);
    assert.match(text, /veiviser_outbox_lag_seconds [\d.e+-]+/);
    assert.ok(!text.includes('hemmeligord123'));
    assert.ok(!text.includes('29:user-kari'), 'no user ids as labels');
  });

  it('limits messages per user (429 with Retry-After), without limiting other users', async () => {
    const ola = { id: '29:user-ola', name: 'Ola', aadObjectId: 'aad-ola' };
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 10; i++) {
      const r = await fetch(`${h.app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsActivity(h, { from: ola, text: 'hjelp' })) });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after') ?? r.headers.get('ratelimit');
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    assert.ok(retryAfter, 'says when to come back');
    const other = await h.post(teamsActivity(h, { from: { id: '29:user-siri', name: 'Siri', aadObjectId: 'aad-siri' }, text: 'hjelp' }));
    assert.equal(other.status, 200);
  });
});

describe('Bot Framework authentication with credentials set', function () {
  this.timeout(60_000);
  it('rejects /api/messages without a valid Bot Framework token (401), and answers nothing', async () => {
    const h = await startHarness({ MicrosoftAppId: '6f1c2a9e-3b7d-4e21-9a55-0c8e2f4b7d11', MicrosoftAppPassword: 'secret', MicrosoftAppTenantId: '8a4f3c2e-1d6b-4f7a-9e0c-5b2d7a1c3e9f' });
    try {
      const activity = JSON.stringify(teamsActivity(h, { text: 'hjelp' }));
      const none = await fetch(`${h.app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: activity });
      assert.equal(none.status, 401);
      const forged = await fetch(`${h.app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln' }, body: activity });
      assert.equal(forged.status, 401);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(h.sent.length, 0, 'no reply went out');
      assert.equal((await h.app.store.listQuestions()).length, 0);
    } finally {
      await h.close();
    }
  });
});

for (const storeKind of ['memory', 'PostgreSQL'] as const) {
  describe(`/api/messages rate limits count the verified sender, not the one a request names (credentials set, ${storeKind})`, function () {
    this.timeout(60_000);
    const APP_ID = '6f1c2a9e-3b7d-4e21-9a55-0c8e2f4b7d11';
    const LIMIT = 4;
    const ADDRESS_LIMIT = LIMIT * 5;
    const kari = { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' };
    let h: Harness;
    let signer: FakeBotFrameworkSigner;
    let dbUrl: string | undefined;
    // The tests below share one app and one rate-limit window, in order (as the suite above does).
    before(async function () {
      if (storeKind === 'PostgreSQL') {
        requirePostgres(this, 'rate limits on PostgreSQL', 'the limits are then counted in memory (tested above)');
        dbUrl = await (await testPostgres()).createDatabase('ratelimit_auth');
      }
      signer = await installFakeBotFrameworkSigner();
      // The bot answers nothing to tenants it does not serve: the turn runs (200), no reply needs an
      // outbound Bot Framework token (the tests never leave this machine).
      h = await startHarness({
        MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret', MicrosoftAppTenantId: '8a4f3c2e-1d6b-4f7a-9e0c-5b2d7a1c3e9f',
        RATE_LIMIT_PER_MINUTE: String(LIMIT), ALLOWED_TENANT_IDS: 'tenant-et-annet-fylke', ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
      });
    });
    after(async () => {
      await h?.close();
      await signer?.close();
    });

    const send = async (from: Record<string, string>, authorization?: string): Promise<Response> =>
      fetch(`${h.app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(teamsActivity(h, { from, text: 'hjelp' })),
      });
    const connector = async () => `Bearer ${await signer.channelToken(APP_ID, h.connectorUrl)}`;

    it('forged tokens naming a real user get 401 and do not use up that user\'s quota', async () => {
      const forgeries = [
        'Bearer ikke-et-token',
        `Bearer ${await signer.channelToken(APP_ID, h.connectorUrl, { key: 'other' })}`, // right shape, key not published
        `Bearer ${await signer.channelToken('00000000-0000-0000-0000-000000000000', h.connectorUrl)}`, // for another bot
        `Bearer ${await signer.channelToken(APP_ID, 'https://smba.example/evil/')}`, // not this activity's serviceUrl
      ];
      const statuses: number[] = [];
      // The SDK console.error()s the published key for every bad signature; keep the test output clean.
      const quiet = sinon.stub(console, 'error');
      try {
        for (let i = 0; i < LIMIT * 3; i++) statuses.push((await send(kari, forgeries[i % forgeries.length])).status);
      } finally {
        quiet.restore();
      }
      assert.deepEqual(statuses, Array(LIMIT * 3).fill(401));
      const real: number[] = [];
      for (let i = 0; i < LIMIT; i++) real.push((await send(kari, await connector())).status);
      assert.deepEqual(real, Array(LIMIT).fill(200), 'Kari\'s own messages all pass');
    });

    it('limits the real user at the per-user limit (429 with Retry-After), not other users', async () => {
      const r = await send(kari, await connector());
      assert.equal(r.status, 429);
      assert.deepEqual(await r.json(), { error: 'For mange forespørsler på kort tid. Vent litt og prøv igjen.' });
      assert.ok(r.headers.get('retry-after'), 'says when to come back');
      assert.equal((await send({ id: '29:user-siri', name: 'Siri', aadObjectId: 'aad-siri' }, await connector())).status, 200);
    });

    it('counts a verified caller that is not the Bot Connector (an Emulator token) as itself, whatever user it names', async () => {
      const emulator = `Bearer ${await signer.emulatorToken(APP_ID)}`;
      const statuses: number[] = [];
      for (let i = 0; i < LIMIT + 1; i++) statuses.push((await send({ id: `29:user-${i}`, name: 'Noen', aadObjectId: `aad-per-${i}` }, emulator)).status);
      assert.deepEqual(statuses, [...Array(LIMIT).fill(200), 429], 'one quota for the caller, not one per user it names');
      assert.equal((await send({ id: '29:user-0', name: 'Noen', aadObjectId: 'aad-per-0' }, await connector())).status, 200, 'that user\'s own quota is untouched');
    });

    it('cuts a flood from one address without a valid token with 429 (the address limit, 5× the per-user limit)', async () => {
      // So far this address has sent LIMIT * 3 requests that failed authentication; the verified
      // ones were given back. The rest of the address's allowance is left, then 429.
      const statuses: number[] = [];
      for (let i = 0; i < ADDRESS_LIMIT; i++) statuses.push((await send(kari, 'Bearer ikke-et-token')).status);
      const left = ADDRESS_LIMIT - LIMIT * 3;
      assert.deepEqual(statuses, [...Array(left).fill(401), ...Array(ADDRESS_LIMIT - left).fill(429)]);
      assert.equal((await send(kari)).status, 429, 'a request without any token too');
      // The address limiter runs before any token is checked, so for the rest of the window this
      // address gets nothing verified (that is what bounds the work a forger can cause).
      assert.equal((await send({ id: '29:user-ola', name: 'Ola', aadObjectId: 'aad-ola' }, await connector())).status, 429);
      const metrics = await (await fetch(`${h.app.url}/metrics`)).text();
      assert.match(metrics, /veiviser_rate_limited_total\{route="\/api\/messages"\} (\d+)/);
      const refused = Number(/veiviser_rate_limited_total\{route="\/api\/messages"\} (\d+)/.exec(metrics)![1]);
      assert.equal(refused, 1 + 1 + (ADDRESS_LIMIT - left) + 2, 'every 429 counted');
      assert.ok(h.logs.some((l) => /"event":"rate_limited".*"limiter":"address"/.test(l)));
      assert.ok(!h.logs.join('').includes('aad-kari'), 'no user ids in the logs');
      if (dbUrl) {
        // Both limiters count in the shared table, each under its own prefix.
        const c = new pg.Client({ connectionString: dbUrl });
        await c.connect();
        try {
          const rows = (await c.query<{ key: string; hits: number }>('SELECT key, hits FROM rate_limits ORDER BY key')).rows;
          const hits = Object.fromEntries(rows.map((r) => [r.key, r.hits]));
          assert.equal(hits['msg:user:aad-kari'], LIMIT + 1, 'only Kari\'s verified messages counted for Kari');
          assert.ok(Object.keys(hits).some((k) => k.startsWith('msg:addr:ip:')), JSON.stringify(hits));
        } finally {
          await c.end();
        }
      }
    });
  });
}
