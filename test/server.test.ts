import assert from 'node:assert/strict';
import { startHarness, teamsActivity, type Harness } from './helpers/harness.js';

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
