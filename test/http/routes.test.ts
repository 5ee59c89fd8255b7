import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import express from 'express';
import type { Booking } from '../../src/booking/model.js';
import { graphWebhookRoute } from '../../src/http/graph-webhook-route.js';
import { IcsLinks, icsRoute } from '../../src/http/ics-route.js';

const confirmed = {
  id: 'TS-2026-0007', state: 'bekreftet', start: '2026-03-30T06:00:00.000Z', end: '2026-03-30T06:45:00.000Z', format: 'inPerson',
  place: 'Karrieresenteret i Fjordvik', event: { id: 'e' },
} as unknown as Booking;
const held = { ...confirmed, id: 'TS-2026-0008', state: 'holdt' } as Booking;

async function serve(router: express.Router): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(router);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const a = server.address();
  return { url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, server };
}

describe('HTTP routes outside the bot: the signed .ics links and the Graph webhook', () => {
  let servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
    servers = [];
  });

  it('signs .ics links with the public address, or where the app listens when none is configured', () => {
    const pub = new IcsLinks('hemmelig', 'https://veiviser.example.no');
    pub.listeningAt('http://127.0.0.1:3978');
    assert.match(pub.url(confirmed), /^https:\/\/veiviser\.example\.no\/ics\/TS-2026-0007\.ics\?sig=[\w-]+$/);
    const local = new IcsLinks('hemmelig');
    local.listeningAt('http://127.0.0.1:3978');
    assert.match(local.url(confirmed), /^http:\/\/127\.0\.0\.1:3978\/ics\/TS-2026-0007\.ics\?sig=/);
    assert.notEqual(new IcsLinks('annen').url(confirmed).split('sig=')[1], local.url(confirmed).split('sig=')[1]);
  });

  it('serves a confirmed talk\'s .ics file for a valid signature, and 404 otherwise', async () => {
    const bookings = new Map([confirmed, held].map((b) => [b.id, b]));
    const { url, server } = await serve(icsRoute({ getBooking: async (id) => bookings.get(id) }, 'hemmelig'));
    servers.push(server);
    const links = new IcsLinks('hemmelig', url);
    const ok = await fetch(links.url(confirmed));
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /^text\/calendar; charset=utf-8/);
    assert.equal(ok.headers.get('content-disposition'), 'attachment; filename="TS-2026-0007.ics"');
    assert.match(await ok.text(), /BEGIN:VCALENDAR/);
    for (const bad of [`${url}/ics/TS-2026-0007.ics?sig=feil`, `${url}/ics/TS-2026-0007.ics`, new IcsLinks('annen', url).url(confirmed), links.url(held), `${url}/ics/x.ics?sig=a`]) {
      const r = await fetch(bad);
      assert.equal(r.status, 404, bad);
      assert.equal(await r.text(), 'Fant ikke kalenderfila.');
    }
  });

  it('hands Graph\'s query and JSON body to the notification handler and sends its answer as given', async () => {
    const calls: { query: Record<string, unknown>; body: unknown }[] = [];
    const { url, server } = await serve(graphWebhookRoute({
      handle: (query, body) => {
        calls.push({ query, body });
        return query.validationToken ? { status: 200, contentType: 'text/plain', body: String(query.validationToken) } : { status: 202 };
      },
    }));
    servers.push(server);
    const handshake = await fetch(`${url}/api/graph/notifications?validationToken=abc`, { method: 'POST' });
    assert.equal(handshake.status, 200);
    assert.match(handshake.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await handshake.text(), 'abc');
    const note = await fetch(`${url}/api/graph/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: [{ clientState: 'x' }] }) });
    assert.equal(note.status, 202);
    assert.equal(await note.text(), '');
    assert.deepEqual(calls[1].body, { value: [{ clientState: 'x' }] });
  });
});
