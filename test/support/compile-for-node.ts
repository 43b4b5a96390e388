import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');

/**
 * Compiles a TypeScript entry file and everything it imports into `outDir`, with the project's compiler options,
 * so a test can run it in a child node process (there is no ts-node here). Returns the compiled entry and the
 * environment the child needs to find the project's packages from outside the checkout.
 */
export function compileForNode(entry: string, outDir: string): { script: string; env: NodeJS.ProcessEnv } {
  const configFile = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = { ...parsed.options, outDir, rootDir: ROOT, noEmit: false, sourceMap: false };
  const result = ts.createProgram([entry], options).emit();
  if (result.emitSkipped) throw new Error(`Could not compile ${entry}`);
  const script = join(outDir, relative(ROOT, entry)).replace(/\.ts$/, '.js');
  const nodePath = [join(ROOT, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(':');
  return { script, env: { ...process.env, NODE_PATH: nodePath } };
}
