import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { pino } from 'pino';
import { GraphCalendar } from '../../src/calendar/graph-calendar.js';
import { GraphChangeNotifications } from '../../src/calendar/graph-notifications.js';
import { GraphServer } from '../helpers/graph-server.js';

describe('Graph change notifications (loopback Graph wire server)', function () {
  this.timeout(20_000);
  let graph: GraphServer;
  let hook: Server;
  let hookUrl: string;
  let notifications: GraphChangeNotifications;
  let changes = 0;
  let now = new Date('2026-11-20T09:00:00Z');

  before(async () => {
    graph = await GraphServer.start();
    const calendar = new GraphCalendar({ authProvider: { getAccessToken: async () => 'test-token' }, baseUrl: graph.baseUrl });
    hook = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const answer = notifications.handle(Object.fromEntries(url.searchParams), raw ? JSON.parse(raw) : undefined);
        res.writeHead(answer.status, answer.contentType ? { 'content-type': answer.contentType } : {});
        res.end(answer.body);
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const a = hook.address();
    hookUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/api/graph/notifications`;
    notifications = new GraphChangeNotifications({
      api: calendar, mailboxes: ['ingrid@fjordvik.example.no', 'yonas@fjordvik.example.no'], notificationUrl: hookUrl, clientState: 'hemmelig-tilstand',
      onChange: () => changes++, log: pino({ level: 'silent' }), clock: () => now, debounceMs: 50,
    });
  });
  after(async () => {
    notifications.stop();
    await new Promise<void>((r) => hook.close(() => r()));
    await graph.close();
  });

  it('subscribes each counsellor mailbox after passing Graph\'s validation handshake', async () => {
    await notifications.start();
    assert.equal(graph.subscriptions.size, 2);
    const sub = [...graph.subscriptions.values()][0];
    assert.equal(sub.changeType, 'updated,deleted');
    assert.equal(sub.clientState, 'hemmelig-tilstand');
  });

  it('runs the sync (once, debounced) on valid notifications and ignores forged ones', async () => {
    changes = 0;
    assert.deepEqual(await graph.notify('ingrid@fjordvik.example.no', 'AAMk-1', 'updated', 'forfalsket'), [202]);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(changes, 0, 'a wrong clientState changes nothing');
    await graph.notify('ingrid@fjordvik.example.no', 'AAMk-1', 'updated');
    await graph.notify('yonas@fjordvik.example.no', 'AAMk-2', 'deleted');
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(changes, 1);
  });

  it('renews subscriptions before they expire', async () => {
    const before = [...graph.subscriptions.values()].map((s) => s.expirationDateTime);
    now = new Date(now.getTime() + 60 * 3_600_000); // 60 h later: under 12 h left of ~66 h
    await notifications.renew();
    const after = [...graph.subscriptions.values()].map((s) => s.expirationDateTime);
    assert.notDeepEqual(after, before);
    assert.equal(graph.subscriptions.size, 2, 'renewed, not duplicated');
  });
});
