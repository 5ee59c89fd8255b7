/**
 * The HTTP edge: /api/messages through botbuilder's CloudAdapter, /healthz, and clear JSON
 * errors for malformed or oversized requests.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { Logger } from 'pino';

export interface ServerDeps {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  log: Logger;
  isReady: () => boolean;
  /** More routes (e.g. the signed .ics links). */
  routes?: express.Router;
}

export function createServer({ adapter, bot, log, isReady, routes }: ServerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', index: isReady() ? 'ready' : 'building' });
  });
  if (routes) app.use(routes);
  app.post('/api/messages', express.json({ limit: '256kb' }), async (req: Request, res: Response) => {
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
