import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import Chromium from '@sparticuz/chromium';

/**
 * The Chromium inside the @sparticuz/chromium dev dependency, unpacked once per machine and version into
 * `$TMPDIR/tessera-chromium-<version>/`. The package itself unpacks into `$TMPDIR` and trusts any `chromium` file
 * it finds there, so parallel jest workers could launch one that another is still writing. Here each unpacking runs
 * in a staging folder of its own and is renamed into place only when complete: whoever renames first wins, and a
 * folder that exists is always whole.
 */
export interface NpmChromium {
  executablePath: string;
  args: string[];
  env: Record<string, string | undefined>;
}

const PACKAGE_MAIN = require.resolve('@sparticuz/chromium');
const UNPACK_TIMEOUT_MS = 180_000;

export async function unpackedNpmChromium(): Promise<NpmChromium> {
  const dir = join(tmpdir(), `tessera-chromium-${packageVersion()}`);
  if (!existsSync(join(dir, 'chromium'))) await unpackInto(dir);
  // The packed fonts.conf names /tmp/fonts; ours (written below) names the fonts unpacked beside this binary.
  return { executablePath: join(dir, 'chromium'), args: Chromium.args, env: { ...process.env, FONTCONFIG_PATH: join(dir, 'fonts') } };
}

function packageVersion(): string {
  const manifest = join(dirname(PACKAGE_MAIN), '..', '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

async function unpackInto(dir: string): Promise<void> {
  const staging = mkdtempSync(`${dir}.partial-`);
  try {
    // The package unpacks into os.tmpdir(): a child process whose TMPDIR is the staging folder keeps it there.
    const script = `require(${JSON.stringify(PACKAGE_MAIN)}).executablePath().catch((e) => { console.error(e); process.exit(1); })`;
    await promisify(execFile)(process.execPath, ['-e', script], {
      env: { ...process.env, TMPDIR: staging },
      timeout: UNPACK_TIMEOUT_MS,
    });
    writeFileSync(join(staging, 'fonts', 'fonts.conf'), fontsConf(join(dir, 'fonts')));
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // A rename that lost the race finds the winner's folder in place: that one is whole, use it.
    if (!existsSync(join(dir, 'chromium'))) throw error;
  }
}

function fontsConf(fontsDir: string): string {
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    `  <dir>${fontsDir}</dir>`,
    `  <cachedir>${fontsDir}-cache</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
}
