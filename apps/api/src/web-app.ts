import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * The dashboard (apps/web) is a static single-page app built by Vite into `dist/web`
 * (`npm run build:web`, part of `npm run build`). The service serves it at `/`, outside the
 * API: it carries no data, so it needs no key (the page asks for one when the API answers 401)
 * and it talks to the API over HTTP like any other client.
 */

/** Where the built page may be: next to the compiled service (dist/apps/api/src → dist/web), or in dist/web of the checkout (running from sources). */
export function webRootCandidates(): string[] {
  return [resolve(__dirname, '../../../web'), resolve(__dirname, '../../../dist/web'), resolve(process.cwd(), 'dist/web')];
}

/** The first candidate folder that holds a built page (an index.html), or undefined. */
export function findWebRoot(candidates: string[] = webRootCandidates()): string | undefined {
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Paths that belong to the API and never fall back to the page: an unknown one stays a problem+json 404. */
const API_PATHS = /^\/(v1|docs|docs-json|health|asyncapi\.json)(\/|$|\?)/;

/**
 * A request the page should answer with index.html (the app routes on the client):
 * a GET for HTML (a browser navigation) to a path that is not the API and not a file.
 */
export function isPageNavigation(path: string, accept: string | undefined): boolean {
  if (API_PATHS.test(path)) return false;
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  if (lastSegment.includes('.')) return false;
  return /\btext\/html\b/.test(accept ?? '');
}

/**
 * Serves the built page: its files at their own paths (hashed assets cached for a year,
 * index.html never cached), and index.html for page navigations to any other non-API path
 * (`/attention`, `/arrangements/<id>`). Anything else goes to the service's 404.
 * Without a built page the API runs as before and the log says how to build it.
 */
export async function serveWebApp(app: NestFastifyApplication, root: string | null | undefined = findWebRoot()): Promise<void> {
  const logger = new Logger('Dashboard');
  if (!root || !existsSync(join(root, 'index.html'))) {
    logger.warn('The dashboard is not built, so / serves nothing; the API is unaffected. Build it with: npm run build:web');
    return;
  }
  const indexFile = join(root, 'index.html');
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per built file instead of a catch-all, so that the fallback below can decide what an unknown path is.
    wildcard: false,
    decorateReply: false,
    // Hashed build assets never change under their name; everything else is checked every time.
    setHeaders: (reply, filePath) => {
      const hashed = filePath.startsWith(join(root, 'assets'));
      reply.header('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0];
    if (!isPageNavigation(path, request.headers.accept)) return reply.callNotFound();
    const html = await readFile(indexFile, 'utf8');
    return reply.header('Content-Type', 'text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(html);
  });
  logger.log(`Serving the dashboard at / from ${root}`);
}
