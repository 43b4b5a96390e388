import { Module } from '@nestjs/common';
import { loadViewerAssets } from './viewer-assets';
import { VIEWER_ASSETS, ViewerController } from './viewer.controller';

/** The profile viewer: static page at `/`, talking to the public HTTP API only. */
@Module({
  controllers: [ViewerController],
  providers: [{ provide: VIEWER_ASSETS, useFactory: () => loadViewerAssets() }],
})
export class ViewerModule {}
