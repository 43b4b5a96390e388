import Module from 'node:module';
import { delimiter, join } from 'node:path';

/**
 * Scripts compiled to a directory outside the checkout (`tsc --outDir /tmp/...`) cannot find the project's packages
 * by walking up from their own location. Import this first: it adds `<cwd>/node_modules` (scripts are started from
 * the project root) to the paths node searches. Node has no public API for this; `_initPaths` re-reads NODE_PATH.
 */
const projectModules = join(process.cwd(), 'node_modules');
if (!(process.env.NODE_PATH ?? '').split(delimiter).includes(projectModules)) {
  process.env.NODE_PATH = [projectModules, process.env.NODE_PATH].filter(Boolean).join(delimiter);
  (Module as unknown as { _initPaths(): void })._initPaths();
}
