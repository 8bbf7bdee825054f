import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from './app.factory';
import { loadConfig } from './config';
import { findWebRoot, isPageNavigation } from './web-app';

/** The service serves the built dashboard at `/` without disturbing the API, and starts without it. */
describe('serving the dashboard', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'samverkan-web-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  const start = async (webRoot: string | null) => {
    const app = await createApp(loadConfig({ LOG_LEVEL: 'silent' }), { store: SqliteEventStore.inMemory(), bufferLogs: false, webRoot });
    await app.getHttpAdapter().getInstance().ready();
    return app;
  };
  const get = (app: NestFastifyApplication, url: string, accept?: string) => app.inject({ method: 'GET', url, headers: accept ? { accept } : {} });

  it('tells page navigations from API calls and file requests', () => {
    const html = 'text/html,application/xhtml+xml,*/*;q=0.8';
    expect(isPageNavigation('/attention', html)).toBe(true);
    expect(isPageNavigation('/arrangements/lkp-buys-payroll-2020', html)).toBe(true);
    expect(isPageNavigation('/attention', 'application/json')).toBe(false);
    expect(isPageNavigation('/attention', undefined)).toBe(false);
    for (const api of ['/v1', '/v1/nothing', '/docs/x', '/docs-json', '/health', '/asyncapi.json']) expect(isPageNavigation(api, html)).toBe(false);
    expect(isPageNavigation('/v1x', html)).toBe(true);
    expect(isPageNavigation('/favicon.ico', html)).toBe(false);
  });

  it('finds the first folder that holds a built page', () => {
    const empty = tempDir();
    const built = tempDir();
    writeFileSync(join(built, 'index.html'), '<!doctype html>');
    expect(findWebRoot([empty, built])).toBe(built);
    expect(findWebRoot([empty])).toBeUndefined();
  });

  describe('with a built page', () => {
    let app: NestFastifyApplication;
    const index = '<!doctype html><title>test page</title><div id="app"></div>';
    beforeAll(async () => {
      const root = tempDir();
      writeFileSync(join(root, 'index.html'), index);
      mkdirSync(join(root, 'assets'));
      writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
      app = await start(root);
    });
    afterAll(() => app.close());

    it('serves index.html at / and at the page’s own paths, never cached', async () => {
      for (const url of ['/', '/attention', '/arrangements/some-id?on=2020-01-01']) {
        const reply = await get(app, url, 'text/html');
        expect(reply.statusCode).toBe(200);
        expect(reply.headers['content-type']).toMatch(/^text\/html/);
        expect(reply.headers['cache-control']).toBe('no-cache');
        expect(reply.body).toBe(index);
      }
    });

    it('serves hashed assets with a year of caching, under the security headers', async () => {
      const reply = await get(app, '/assets/index-abc123.js');
      expect(reply.statusCode).toBe(200);
      expect(reply.headers['content-type']).toMatch(/javascript/);
      expect(reply.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(reply.headers['content-security-policy']).toContain("script-src 'self'");
    });

    it('sends the same security headers on API answers and problem answers as on the dashboard', async () => {
      const policy = "default-src 'self';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data:;connect-src 'self';frame-ancestors 'none';base-uri 'self';font-src 'self' https: data:;form-action 'self';object-src 'none';script-src-attr 'none'";
      for (const url of ['/v1/municipalities/0580', '/v1/nothing-here', '/']) {
        const reply = await get(app, url, 'application/json');
        expect(String(reply.headers['content-security-policy']).split(';').sort()).toEqual(policy.split(';').sort());
        expect(reply.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
        expect(reply.headers['x-content-type-options']).toBe('nosniff');
        expect(reply.headers['strict-transport-security']).toMatch(/^max-age=\d+; includeSubDomains$/);
        expect(reply.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(reply.headers['x-powered-by']).toBeUndefined();
      }
    });

    it('leaves the API as it was: unknown API paths and files are problem+json 404s', async () => {
      for (const [url, accept] of [
        ['/v1/nothing-here', 'text/html'],
        ['/v1/municipalities/0580/nothing', 'text/html'],
        ['/attention', 'application/json'],
        ['/assets/missing.js', '*/*'],
      ]) {
        const reply = await get(app, url, accept);
        expect(reply.statusCode).toBe(404);
        expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(reply.json()).toMatchObject({ status: 404, code: 'not-found' });
      }
      expect((await get(app, '/health')).statusCode).toBe(200);
      expect((await get(app, '/asyncapi.json')).statusCode).toBe(200);
      expect((await get(app, '/docs-json')).statusCode).toBe(200);
      expect((await get(app, '/v1/service-areas')).statusCode).toBe(200);
    });
  });

  it('starts without a built page: / is a 404 and the API works', async () => {
    const app = await start(null);
    try {
      const home = await get(app, '/', 'text/html');
      expect(home.statusCode).toBe(404);
      expect(home.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await get(app, '/v1/service-areas')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
