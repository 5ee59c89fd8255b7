/**
 * A loopback server that plays the Bot Connector (an activity's serviceUrl): it records what the
 * bot posts and updates, answers the team roster from `roster`, and can answer the next posts
 * with scripted failures. Used by the in-process harness, the crash tests and the load benchmark.
 */
import { createServer, type Server } from 'node:http';

export interface Sent { conversationId: string; activity: Record<string, unknown>; method: string; activityId?: string }
export interface FakeMember { id: string; name: string; aadObjectId: string; userRole?: string; email?: string }

export interface FakeConnector {
  url: string;
  /** Every activity posted (POST) or updated (PUT), in order. */
  sent: Sent[];
  /** The team roster it reports (edit freely). */
  roster: FakeMember[];
  /** Status codes the next activity posts are answered with (then 200). */
  failNext: number[];
  close(): Promise<void>;
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const sent: Sent[] = [];
  const roster: FakeMember[] = [];
  const failNext: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const url = req.url ?? '';
      const members = /\/v3\/conversations\/([^/]+)\/pagedmembers/.exec(url);
      if (members && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ members: roster }));
        return;
      }
      const member = /\/v3\/conversations\/([^/]+)\/members\/([^/?]+)/.exec(url);
      if (member && req.method === 'GET') {
        const m = roster.find((x) => x.id === decodeURIComponent(member[2]) || x.aadObjectId === decodeURIComponent(member[2]));
        res.writeHead(m ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(m ?? { error: { code: 'MemberNotFoundInConversation' } }));
        return;
      }
      const m = /\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(url);
      if (m && (req.method === 'POST' || req.method === 'PUT')) {
        const fail = failNext.shift();
        if (fail) {
          res.writeHead(fail, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'Fail', message: 'scripted failure' } }));
          return;
        }
        sent.push({ conversationId: decodeURIComponent(m[1]), activity: JSON.parse(body || '{}'), method: req.method, activityId: m[2] ? decodeURIComponent(m[2]) : undefined });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: req.method === 'PUT' && m[2] ? decodeURIComponent(m[2]) : `activity-${sent.length}` }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return {
    url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`,
    sent,
    roster,
    failNext,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
