/**
 * POST /api/graph/notifications: Microsoft Graph's change notifications (a counsellor moved or
 * deleted a talk in Outlook) and its validation handshake, answered by GraphChangeNotifications.
 */
import express from 'express';
import type { GraphChangeNotifications } from '../calendar/graph-notifications.js';

export const GRAPH_WEBHOOK_PATH = '/api/graph/notifications';

export function graphWebhookRoute(hook: Pick<GraphChangeNotifications, 'handle'>): express.Router {
  const routes = express.Router();
  routes.post(GRAPH_WEBHOOK_PATH, express.json({ limit: '1mb' }), (req, res) => {
    const answer = hook.handle(req.query as Record<string, unknown>, req.body);
    res.status(answer.status);
    if (answer.contentType) res.type(answer.contentType);
    res.send(answer.body ?? '');
  });
  return routes;
}
