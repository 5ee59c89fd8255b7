/**
 * Runs the real app on loopback ports with a temp data dir and the bundled demo site, plus a
 * loopback server that plays the Bot Connector (the activity's serviceUrl) and records replies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startApp, type App, type AppOverrides } from '../../src/app.js';
import { startFakeConnector, type FakeMember, type Sent } from './connector.js';

export type { FakeMember, Sent } from './connector.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';


export interface Harness {
  app: App;
  dataDir: string;
  connectorUrl: string;
  sent: Sent[];
  logs: string[];
  /** The team roster the fake Bot Connector reports (edit freely in tests). */
  roster: FakeMember[];
  /** Status codes the fake connector answers the next activity posts with (then 200). */
  failNext: number[];
  post(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
  /** Stops the app and starts a new one on the same data directory (a restart). */
  restartApp(): Promise<void>;
  /** Starts another instance with the same configuration (PostgreSQL: the same database); closed with the harness. */
  startInstance(): Promise<App>;
  /** Posts an activity to the given instance (default: the first). */
  postTo(app: App, activity: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
  /** Waits (bounded) for a delivery after index `from` that matches `pred`. */
  waitForSent(pred: (s: Sent) => boolean, from?: number, ms?: number): Promise<Sent>;
  /** Waits (bounded) until the connector has received `count` activities after `from`. */
  waitForReplies(from: number, count?: number, ms?: number): Promise<Sent[]>;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'veiviser-test-'));
  const connector = await startFakeConnector();
  const { sent, roster, failNext, url: connectorUrl } = connector;
  const logs: string[] = [];
  const logStream = new Writable({ write(chunk: Buffer, _enc, cb) { logs.push(chunk.toString('utf8')); cb(); } });
  const config = loadConfig({
    NODE_ENV: 'test', PORT: '0', VEIVISER_DATA_DIR: dataDir, DEMO_SITE_PORT: '0', CRAWL_DELAY_MS: '0',
    FAQ_RECRAWL_INTERVAL_MINUTES: '0', LOG_LEVEL: 'info', OUTBOX_POLL_MS: '50', ...env,
  });
  const app = await startApp(config, createLogger('info', logStream), overrides);
  await app.ready;
  const others: App[] = [];
  const h: Harness = {
    app,
    dataDir,
    connectorUrl,
    sent,
    logs,
    roster,
    failNext,
    post(activity) {
      return h.postTo(h.app, activity);
    },
    async startInstance() {
      const other = await startApp(config, createLogger('info', logStream), overrides);
      others.push(other);
      await other.ready;
      return other;
    },
    async postTo(target, activity) {
      const res = await fetch(`${target.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const text = await res.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, body };
    },
    async waitForSent(pred, from = 0, ms = 5000) {
      const until = Date.now() + ms;
      for (;;) {
        const hit = sent.slice(from).find(pred);
        if (hit) return hit;
        if (Date.now() > until) throw new Error('timed out waiting for a delivery');
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async waitForReplies(from, count = 1, ms = 5000) {
      const until = Date.now() + ms;
      while (sent.length < from + count && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return sent.slice(from);
    },
    async restartApp() {
      await h.app.close();
      h.app = await startApp(config, createLogger('info', logStream), overrides);
      await h.app.ready;
    },
    async close() {
      for (const o of others) await o.close();
      await h.app.close();
      await connector.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

let seq = 0;
/** A Teams-shaped activity (channelId msteams, tenant in channelData). */
export function teamsActivity(h: Harness, over: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    type: 'message',
    id: `act-${seq}`,
    channelId: 'msteams',
    serviceUrl: h.connectorUrl,
    timestamp: new Date().toISOString(),
    from: { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' },
    recipient: { id: '28:veiviser-bot', name: 'Veiviser' },
    conversation: { id: 'a:personal-kari', conversationType: 'personal', tenantId: 'tenant-fjordvik' },
    channelData: { tenant: { id: 'tenant-fjordvik' } },
    locale: 'nb-NO',
    ...over,
  };
}

/** The first Adaptive Card in a sent activity. */
export function cardOf(s: Sent | undefined): Record<string, unknown> | undefined {
  const att = (s?.activity.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined) ?? [];
  return att.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

export const TEAM_ID = '19:team-utdanning@thread.tacv2';
export const CHANNEL_ID = '19:kanal-fag@thread.tacv2';

/** The education team's channel "Fagopplæring", as Teams describes it on an activity posted there. */
export function fromChannel(tenant = 'tenant-fjordvik') {
  return {
    conversation: { id: `${CHANNEL_ID};messageid=1`, conversationType: 'channel', tenantId: tenant },
    channelData: { tenant: { id: tenant }, team: { id: TEAM_ID, name: 'Utdanningsteamet' }, channel: { id: CHANNEL_ID, name: 'Fagopplæring' } },
  };
}

/** An @mention of the bot (in channels and group chats it answers only when mentioned). */
export const MENTION = { entities: [{ type: 'mention', text: '<at>Veiviser</at>', mentioned: { id: '28:veiviser-bot', name: 'Veiviser' } }] };

/** A team owner writes "@Veiviser bruk denne kanalen" in that channel (to instance `to`); resolves when the bot has confirmed. */
export async function chooseChannel(h: Harness, owner: { id: string; name: string; aadObjectId: string }, tenant = 'tenant-fjordvik', to: App = h.app): Promise<void> {
  const from = h.sent.length;
  await h.postTo(to, teamsActivity(h, { ...fromChannel(tenant), ...MENTION, from: owner, text: '<at>Veiviser</at> bruk denne kanalen' }));
  await h.waitForSent((s) => /får nå saker/.test(String(s.activity.text)), from);
}
