/**
 * The HTTP edge: /api/messages through botbuilder's CloudAdapter, /healthz (alive), /readyz
 * (store and calendar reachable), /metrics (Prometheus), per-user rate limits, and clear JSON
 * errors for malformed or oversized requests.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit, type Store as LimitStore } from 'express-rate-limit';
import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { Logger } from 'pino';
import type { Metrics } from './ops/metrics.js';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface ServerDeps {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  log: Logger;
  isReady: () => boolean;
  /** More routes (e.g. the signed .ics links, the tab). */
  routes?: express.Router;
  metrics?: Metrics;
  /** What /readyz checks (each must answer within 5 s). */
  readiness?: ReadinessCheck[];
  /** Requests per user per minute on /api/messages (messages and invokes); 0 = no limit. */
  rateLimitPerMinute?: number;
  /** When set, /metrics needs "Authorization: Bearer <token>". */
  metricsToken?: string;
  /** Bot Framework credentials are set: a request without a token is refused before the SDK sees it. */
  requireAuth?: boolean;
  /** Where the rate limiter counts (PostgreSQL: shared by all instances); default: memory. */
  rateLimitStore?: LimitStore;
}

/** A route label with no ids in it (metrics must not grow a series per ticket or user). */
function routeOf(path: string): string {
  for (const r of ['/api/messages', '/api/tab', '/api/graph', '/tab', '/ics', '/healthz', '/readyz', '/metrics']) if (path === r || path.startsWith(`${r}/`)) return r;
  return 'other';
}

const timeout = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`svarte ikke innen ${ms} ms`)), ms).unref())]);

export function createServer({ adapter, bot, log, isReady, routes, metrics, readiness = [], rateLimitPerMinute = 0, metricsToken, requireAuth = false, rateLimitStore }: ServerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  if (metrics) {
    app.use((req, res, next) => {
      const route = routeOf(req.path);
      const end = metrics.httpDuration.startTimer({ route });
      res.on('finish', () => {
        end();
        metrics.httpRequests.inc({ route, status: String(res.statusCode) });
      });
      next();
    });
  }
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', index: isReady() ? 'ready' : 'building' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = { index: isReady() ? 'ok' : 'building' };
    await Promise.all(readiness.map(async (c) => {
      try {
        await timeout(5000, c.check());
        checks[c.name] = 'ok';
      } catch (err) {
        checks[c.name] = `feil: ${(err as Error).message.slice(0, 200)}`;
      }
    }));
    const ok = Object.values(checks).every((v) => v === 'ok');
    if (!ok) log.warn({ event: 'not_ready', checks });
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
  });
  if (metrics) {
    app.get('/metrics', async (req, res) => {
      if (metricsToken && req.get('authorization') !== `Bearer ${metricsToken}`) {
        res.status(401).type('text/plain').send('Mangler tilgang.');
        return;
      }
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
  if (routes) app.use(routes);
  const perUser = rateLimitPerMinute > 0
    ? rateLimit({
      windowMs: 60_000,
      limit: rateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store: rateLimitStore,
      // The database being away must not turn every message into a 429 or a 500 here.
      passOnStoreError: true,
      // One user is one user whichever conversation they write in; unknown senders by address.
      keyGenerator: (req) => {
        const from = (req.body as { from?: { aadObjectId?: unknown; id?: unknown } } | undefined)?.from;
        const id = typeof from?.aadObjectId === 'string' ? from.aadObjectId : typeof from?.id === 'string' ? from.id : undefined;
        return id ? `user:${id.slice(0, 200)}` : `ip:${ipKeyGenerator(req.ip ?? '')}`;
      },
      handler: (req, res) => {
        metrics?.rateLimited.inc({ route: '/api/messages' });
        log.warn({ event: 'rate_limited', route: '/api/messages' });
        res.status(429).json({ error: 'For mange forespørsler på kort tid. Vent litt og prøv igjen.' });
      },
    })
    : (_req: Request, _res: Response, next: NextFunction) => next();
  app.post('/api/messages', (req, res, next) => {
    // The SDK validates the token itself (signature, issuer, audience); a missing one needs no parsing at all.
    if (requireAuth && !/^Bearer \S+/.test(req.get('authorization') ?? '')) {
      log.warn({ event: 'unauthenticated_request', route: '/api/messages' });
      res.status(401).json({ error: 'Mangler gyldig Bot Framework-token.' });
      return;
    }
    next();
  }, express.json({ limit: '256kb' }), perUser, async (req: Request, res: Response) => {
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
      log.info({ event: 'bad_activity', reason: 'not an activity' });
      res.status(400).json({ error: 'Forespørselen er ikke en gyldig aktivitet (mangler "type").' });
      return;
    }
    await adapter.process(req, res, (ctx) => bot.run(ctx));
  });
  app.use((err: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status ?? 500;
    if (status >= 500) log.error({ event: 'http_error', err: err.message });
    else log.info({ event: 'bad_request', reason: err.type ?? err.name, status });
    const message =
      err.type === 'entity.too.large' ? 'Forespørselen er for stor.'
      : err.type === 'entity.parse.failed' ? 'Forespørselen er ikke gyldig JSON.'
      : status >= 500 ? 'Intern feil.' : 'Ugyldig forespørsel.';
    if (!res.headersSent) res.status(status).json({ error: message });
  });
  return app;
}
