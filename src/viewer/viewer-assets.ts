import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

/** One static file of the viewer, held in memory: the whole page is a few dozen kilobytes. */
export interface ViewerAsset {
  body: Buffer;
  contentType: string;
  /** Strong validator: browsers revalidate (no-cache) and get a 304 while the file is unchanged. */
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

/** Asset names are flat and plain, so a request can never name a path outside the folder. */
export const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.(html|js|css|svg|json)$/;

/**
 * The assets are not copied by `tsc`: from ts-jest this file runs in src/viewer, from the build in
 * dist/src/viewer. Both resolve to the one folder in the source tree, so nothing has to be copied or kept in sync.
 */
export function resolvePublicDir(fromDir: string = __dirname): string {
  const candidates = [resolve(fromDir, 'public'), resolve(fromDir, '../../../src/viewer/public')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new Error(`Viewer assets not found; looked in ${candidates.join(', ')}`);
  return found;
}

export function loadViewerAssets(dir: string = resolvePublicDir()): Map<string, ViewerAsset> {
  const assets = new Map<string, ViewerAsset>();
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (!ASSET_NAME.test(name) || !contentType) continue;
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    assets.set(name, { body, contentType, etag });
  }
  return assets;
}
