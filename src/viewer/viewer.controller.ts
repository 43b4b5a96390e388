import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ASSET_NAME, ViewerAsset } from './viewer-assets';

export const VIEWER_ASSETS = Symbol('VIEWER_ASSETS');

/**
 * The page only talks to the API from its own origin and never renders data as markup, so a strict policy costs
 * nothing and turns any slip into a blocked request rather than script running against customer data.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Serves the profile viewer: `/` is the page, `/viewer/<file>` its modules and styles. */
@ApiExcludeController()
@Controller()
export class ViewerController {
  constructor(@Inject(VIEWER_ASSETS) private readonly assets: Map<string, ViewerAsset>) {}

  @Get()
  index(@Headers('if-none-match') cached: string | undefined, @Res() reply: FastifyReply): void {
    this.send(reply, 'index.html', cached);
  }

  @Get('viewer/:file')
  asset(
    @Param('file') file: string,
    @Headers('if-none-match') cached: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    this.send(reply, file, cached);
  }

  private send(reply: FastifyReply, name: string, cached: string | undefined): void {
    const asset = ASSET_NAME.test(name) ? this.assets.get(name) : undefined;
    if (!asset) {
      // Answered here rather than thrown, so the body is the API's error shape whichever filters the app installs.
      const error = { code: 'VIEWER_ASSET_NOT_FOUND', message: 'No such viewer asset', details: [] };
      void reply.code(404).type('application/json; charset=utf-8').send({ error });
      return;
    }
    void reply.headers(SECURITY_HEADERS).header('etag', asset.etag);
    if (cached === asset.etag) void reply.code(304).send();
    else void reply.type(asset.contentType).send(asset.body);
  }
}
