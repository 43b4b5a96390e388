import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileForNode } from './compile-for-node';
import { startJongodb, type Jongodb } from './jongodb';

/** What a suite that runs the projector as its own process (`npm run projector`) beside jongodb works with. */
export interface ProjectorSuite {
  /** A temporary folder of the suite's own, removed afterwards. */
  dir: string;
  jongodb: Jongodb;
  /** projector.main compiled once for the suite: spawn `node child.script` with `child.env`. */
  child: { script: string; env: NodeJS.ProcessEnv };
}

/** Registers the suite's beforeAll/afterAll; the fields are set once beforeAll has run. */
export function projectorSuite(prefix: string): ProjectorSuite {
  const suite = {} as ProjectorSuite;
  beforeAll(async () => {
    suite.dir = mkdtempSync(join(tmpdir(), prefix));
    suite.jongodb = await startJongodb();
    suite.child = compileForNode(join(__dirname, '../../src/projector/projector.main.ts'), join(suite.dir, 'build'));
  }, 120_000);
  afterAll(async () => {
    await suite.jongodb?.stop();
    if (suite.dir) rmSync(suite.dir, { recursive: true, force: true });
  });
  return suite;
}
