/**
 * Shared by the release checks: the package's entry points, and the built package packed and
 * installed into an empty project, as a user would get it from npm.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface PackageJson {
  name: string;
  version: string;
  exports: Record<string, unknown>;
  peerDependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
}

export const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

/** Every import specifier the package offers: `terra-sdk`, `terra-sdk/webhooks`, ... */
export const specifiers: string[] = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function fail(message: string): never {
  process.stderr.write(`\n${message}\n`);
  process.exit(1);
}

/** Installed package of a temporary project; `dispose()` removes it. */
export interface Consumer {
  dir: string;
  tarball: string;
  dispose(): void;
}

/**
 * Packs `dist/` with `npm pack` and installs the tarball into an empty project, with `extra`
 * packages beside it (peers a user of some entries installs). Dependencies come from npm's cache
 * when they are there, so this works offline after `npm install`.
 */
export function packAndInstall(extra: string[] = []): Consumer {
  if (!existsSync(join(root, 'dist', 'index.js'))) fail('dist/ is missing: run `npm run build` first.');
  const work = mkdtempSync(join(tmpdir(), 'terra-sdk-pack-'));
  const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work], root)) as { filename: string }[];
  const tarball = join(work, packed[0]?.filename ?? fail('npm pack wrote no tarball'));
  const dir = join(work, 'consumer');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', tarball, ...extra], dir);
  return { dir, tarball, dispose: () => rmSync(work, { recursive: true, force: true }) };
}

/** The exact version of a dev dependency, to install the same one in a consumer project. */
export function devVersion(name: string): string {
  const version = pkg.devDependencies[name];
  if (!version) fail(`${name} is not a dev dependency`);
  return `${name}@${version}`;
}
