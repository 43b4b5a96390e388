import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';
import { ViewerModule } from './viewer.module';
import { loadViewerAssets, resolvePublicDir } from './viewer-assets';

/** Stands in for the API: the viewer must never shadow `/v1/*`. */
@Controller('v1')
class ProbeController {
  @Get('probe')
  probe() {
    return { ok: true };
  }
}

@Module({ imports: [ViewerModule], controllers: [ProbeController] })
class TestModule {}

describe('ViewerModule', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('serves the page at / as HTML with a strict content security policy', async () => {
    const response = await get('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.body).toContain('<script type="module" src="/viewer/app.js">');
  });

  it('serves modules and styles with their content types', async () => {
    const script = await get('/viewer/app.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain('import');
    const css = await get('/viewer/styles.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const icon = await get('/viewer/favicon.svg');
    expect(icon.headers['content-type']).toBe('image/svg+xml');
  });

  it('answers 304 to a browser revalidating an unchanged file', async () => {
    const first = await get('/viewer/app.js');
    const again = await app.inject({ method: 'GET', url: '/viewer/app.js', headers: { 'if-none-match': first.headers.etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const stale = await app.inject({ method: 'GET', url: '/viewer/app.js', headers: { 'if-none-match': '"other"' } });
    expect(stale.statusCode).toBe(200);
  });

  it('answers unknown or path-like asset names with the API error body, never a file outside the folder', async () => {
    for (const url of ['/viewer/missing.js', '/viewer/..%2Fviewer.module.ts', '/viewer/%2e%2e%2fpackage.json']) {
      const response = await get(url);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({
        error: { code: 'VIEWER_ASSET_NOT_FOUND', message: 'No such viewer asset', details: [] },
      });
    }
  });

  it('leaves /v1 routes to the API', async () => {
    const response = await get('/v1/probe');
    expect(response.json()).toEqual({ ok: true });
  });

  it('finds the source folder from the compiled location as well as from the sources', () => {
    const fromSource = resolvePublicDir(__dirname);
    const fromDist = resolvePublicDir(join(__dirname, '../../dist/src/viewer'));
    expect(fromDist).toBe(fromSource);
    expect([...loadViewerAssets(fromSource).keys()]).toEqual(expect.arrayContaining(['index.html', 'app.js']));
  });
});
