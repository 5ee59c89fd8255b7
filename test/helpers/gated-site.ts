/**
 * The demo county site behind a gate the test opens and closes: while it is closed, page
 * requests wait (robots.txt and sitemaps still pass), so a crawl stays running for exactly as
 * long as the test wants, and the test can wait for "the crawl is now fetching a page" as an
 * event instead of guessing at timings.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createDemoSiteHandler } from '../../src/demosite/server.js';

export interface GatedSite {
  url: string;
  /** Requests seen, as "STATUS PATH" → count (as the demo site counts them). */
  requests: Map<string, number>;
  /** Holds page requests from now on; resolves the returned promise when the first one is held. */
  hold(): Promise<void>;
  /** Lets held and later requests through. */
  open(): void;
  close(): Promise<void>;
}

export async function startGatedSite(): Promise<GatedSite> {
  const requests = new Map<string, number>();
  const site = createDemoSiteHandler({ requests, removed: new Set() });
  let held: (() => void)[] | undefined;
  let firstHeld: (() => void) | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const passes = path === '/robots.txt' || path.startsWith('/sitemap');
    if (!held || passes) return site.handler(req, res);
    held.push(() => site.handler(req, res));
    firstHeld?.();
    firstHeld = undefined;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const open = (): void => {
    const waiting = held ?? [];
    held = undefined;
    for (const go of waiting) go();
  };
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    hold() {
      held = [];
      return new Promise<void>((resolve) => { firstHeld = resolve; });
    },
    open,
    close: () => new Promise<void>((resolve) => {
      open();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
