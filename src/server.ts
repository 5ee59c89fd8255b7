/**
 * The HTTP edge: /api/messages through the bot's endpoint (src/bot/adapter.ts), /healthz (alive), /readyz
 * (store and calendar reachable), /metrics (Prometheus), rate limits (per address before the
 * Bot Framework token is checked, per verified user after), and clear JSON
 * errors for malformed or oversized requests.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type ClientRateLimitInfo, type IncrementResponse, type Options as LimitOptions, type Store as LimitStore } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { Metrics } from './ops/metrics.js';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface ClaimsLike { getClaimValue(type: string): string | null }
export interface BotAuthenticator { authenticateRequest(activity: object, authHeader: string): Promise<{ claimsIdentity: ClaimsLike }> }

/** What /api/messages needs of the bot framework (src/bot/adapter.ts gives it). */
export interface BotEndpoint {
  /** Runs the request's activity through the bot; the SDK checks the token again and answers the request. */
  process(req: Request, res: Response): Promise<void>;
  /** The SDK's own token check, so the edge accepts exactly the tokens the SDK accepts (throws if it has none). */
  authenticator(): BotAuthenticator;
}

export interface ServerDeps {
  bot: BotEndpoint;
  log: Logger;
  isReady: () => boolean;
  /** More routes (e.g. the signed .ics links, the tab). */
  routes?: express.Router;
  metrics?: Metrics;
  /** What /readyz checks (each must answer within 5 s). */
  readiness?: ReadinessCheck[];
  /**
   * Requests per user per minute on /api/messages (messages and invokes), counted after the Bot
   * Framework token is checked; a client address may send five times as many requests that fail
   * that check. 0 = no limits.
   */
  rateLimitPerMinute?: number;
  /** When set, /metrics needs "Authorization: Bearer <token>". */
  metricsToken?: string;
  /** Bot Framework credentials are set: a request without a valid token is refused (401) before the SDK sees it. */
  requireAuth?: boolean;
  /** Where the rate limiters count (PostgreSQL: shared by all instances; the address limiter adds the key prefix "addr:"); default: memory. */
  rateLimitStore?: LimitStore;
  /** Reverse proxies in front of the app whose X-Forwarded-For is trusted for the client address (0 = none). */
  trustProxyHops?: number;
}

/** A route label with no ids in it (metrics must not grow a series per ticket or user). */
function routeOf(path: string): string {
  for (const r of ['/api/messages', '/api/tab', '/api/graph', '/tab', '/ics', '/healthz', '/readyz', '/metrics']) if (path === r || path.startsWith(`${r}/`)) return r;
  return 'other';
}

/** Issuers of the tokens the Bot Connector sends a bot (public cloud, US government cloud). */
const BOT_CONNECTOR_ISSUERS = new Set(['https://api.botframework.com', 'https://api.botframework.us']);

/**
 * A second view of one limit store under a key prefix of its own, so the address limiter and the
 * per-user limiter share the PostgreSQL counts table without sharing keys (express-rate-limit
 * wants one store object per limiter).
 */
class PrefixedLimitStore implements LimitStore {
  readonly prefix: string;
  readonly localKeys: boolean;
  constructor(private readonly inner: LimitStore, private readonly extra: string) {
    this.prefix = `${inner.prefix ?? ''}${extra}`;
    this.localKeys = inner.localKeys ?? false;
  }

  init(options: LimitOptions): void {
    this.inner.init?.(options);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.inner.get ? this.inner.get(`${this.extra}${key}`) : undefined;
  }

  async increment(key: string): Promise<IncrementResponse> {
    return this.inner.increment(`${this.extra}${key}`);
  }

  async decrement(key: string): Promise<void> {
    await this.inner.decrement(`${this.extra}${key}`);
  }

  async resetKey(key: string): Promise<void> {
    await this.inner.resetKey(`${this.extra}${key}`);
  }
}

const timeout = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`svarte ikke innen ${ms} ms`)), ms).unref())]);

export function createServer({ bot, log, isReady, routes, metrics, readiness = [], rateLimitPerMinute = 0, metricsToken, requireAuth = false, rateLimitStore, trustProxyHops = 0 }: ServerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind Azure's front end (or another reverse proxy) the client's address is in X-Forwarded-For.
  if (trustProxyHops > 0) app.set('trust proxy', trustProxyHops);
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
  const botAuth = requireAuth ? bot.authenticator() : undefined;
  const refuse = (limiter: 'address' | 'user') => (_req: Request, res: Response) => {
    metrics?.rateLimited.inc({ route: '/api/messages' });
    log.warn({ event: 'rate_limited', route: '/api/messages', limiter });
    res.status(429).json({ error: 'For mange forespørsler på kort tid. Vent litt og prøv igjen.' });
  };
  const pass = (_req: Request, _res: Response, next: NextFunction) => next();
  // Counted before anything about the sender is known, so by client address (an IPv6 address by
  // its /56, as ipKeyGenerator does). It bounds what a caller without a valid token can do — missing
  // or forged tokens, and in local mode a caller inventing a new user id per message — at five
  // times the per-user limit. All Teams traffic reaches the bot from the Bot Connector's few
  // addresses, so with credentials set a request whose token checks out gets its hit back: only
  // requests that fail authentication use up an address's allowance, and real users are limited
  // only by the per-user limit below. (Behind a reverse proxy, req.ip is the proxy unless
  // Express's 'trust proxy' is set for it.)
  const addressLimit = rateLimitPerMinute * 5;
  const addressStore: LimitStore | undefined = rateLimitPerMinute > 0 ? (rateLimitStore ? new PrefixedLimitStore(rateLimitStore, 'addr:') : new MemoryStore()) : undefined;
  const perAddress = addressStore
    ? rateLimit({
      windowMs: 60_000,
      limit: addressLimit,
      standardHeaders: 'draft-8',
      identifier: `${addressLimit}-in-1min-per-address`,
      legacyHeaders: false,
      store: addressStore,
      requestPropertyName: 'addressRateLimit',
      passOnStoreError: true,
      keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? '')}`,
      handler: refuse('address'),
    })
    : pass;
  /** Gives a request's address hit back (its Bot Framework token checked out). */
  const forgiveAddress = async (req: Request): Promise<void> => {
    const counted = (req as Request & { addressRateLimit?: { key: string } }).addressRateLimit;
    if (!addressStore || !counted) return;
    try {
      await addressStore.decrement(counted.key);
    } catch (err) {
      log.warn({ event: 'rate_limit_store_failed', err: (err as Error).message });
    }
  };
  const perUser = rateLimitPerMinute > 0
    ? rateLimit({
      windowMs: 60_000,
      limit: rateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store: rateLimitStore,
      // The database being away must not turn every message into a 429 or a 500 here.
      passOnStoreError: true,
      // Runs after authentication (below), keyed by who the request is known to come from (a
      // verified activity that names no sender: by address).
      keyGenerator: (req, res) => (res.locals.rateLimitKey as string | undefined) ?? `ip:${ipKeyGenerator(req.ip ?? '')}`,
      handler: refuse('user'),
    })
    : pass;
  app.post('/api/messages', perAddress, (req, res, next) => {
    // A missing token needs no parsing at all; a present one is checked in full below.
    if (requireAuth && !/^Bearer \S+/.test(req.get('authorization') ?? '')) {
      log.warn({ event: 'unauthenticated_request', route: '/api/messages' });
      res.status(401).json({ error: 'Mangler gyldig Bot Framework-token.' });
      return;
    }
    next();
  }, express.json({ limit: '256kb' }), async (req: Request, res: Response, next: NextFunction) => {
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
      log.info({ event: 'bad_activity', reason: 'not an activity' });
      res.status(400).json({ error: 'Forespørselen er ikke en gyldig aktivitet (mangler "type").' });
      return;
    }
    const from = (body as { from?: { aadObjectId?: unknown; id?: unknown } }).from;
    const userId = typeof from?.aadObjectId === 'string' && from.aadObjectId ? from.aadObjectId : typeof from?.id === 'string' && from.id ? from.id : undefined;
    if (!botAuth) {
      // Local mode (no Bot Framework credentials; by default on loopback only, and never in
      // production — config refuses to start): nothing vouches for the sender, the body is all
      // there is, so a user is whoever the activity says. The address limit above bounds the rest.
      res.locals.rateLimitKey = userId ? `user:${userId.slice(0, 200)}` : undefined;
      next();
      return;
    }
    // The adapter's own check (signature against Microsoft's published keys, issuer, audience = this
    // app, the serviceUrl claim = the activity's, endorsements), before any per-user counting.
    let identity: ClaimsLike;
    try {
      identity = (await botAuth.authenticateRequest(body, req.get('authorization') ?? '')).claimsIdentity;
    } catch (err) {
      const e = err as Error & { statusCode?: number };
      if ((e.statusCode ?? 0) >= 500 || e.name === 'FetchError') {
        // Microsoft's signing keys could not be fetched: our problem, not the caller's.
        log.error({ event: 'auth_unavailable', route: '/api/messages', err: e.message.slice(0, 200) });
        res.status(503).json({ error: 'Kan ikke kontrollere Bot Framework-token akkurat nå. Prøv igjen.' });
        return;
      }
      log.warn({ event: 'unauthenticated_request', route: '/api/messages', reason: e.name });
      res.status(401).json({ error: 'Mangler gyldig Bot Framework-token.' });
      return;
    }
    await forgiveAddress(req);
    // Only the Bot Connector (a channel token for this app, checked above) may say who the user is:
    // then the activity's from.aadObjectId is the user. Any other caller the SDK accepts (a skill,
    // the Emulator) is counted as itself — its verified app id — whatever user it names.
    const issuer = identity.getClaimValue('iss');
    const appId = identity.getClaimValue('appid') ?? identity.getClaimValue('azp');
    res.locals.rateLimitKey =
      issuer && BOT_CONNECTOR_ISSUERS.has(issuer) ? (userId ? `user:${userId.slice(0, 200)}` : undefined)
      : appId ? `app:${appId.slice(0, 200)}`
      : undefined;
    next();
  }, perUser, async (req: Request, res: Response) => {
    // The SDK checks the token again (cached keys): it is what the turn's identity comes from.
    await bot.process(req, res);
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
