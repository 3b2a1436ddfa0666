/**
 * Bundles code that imports the built package, as a user's bundler would, with esbuild.
 */
import { gzipSync } from 'node:zlib';
import { build, type Platform } from 'esbuild';
import { pkg, root } from './package.js';

/** The ESM file an import of `specifier` resolves to in `dist/` (the exports map's `import` path). */
export function distFile(specifier: string): string {
  const key = specifier === pkg.name ? '.' : `./${specifier.slice(pkg.name.length + 1)}`;
  const target = (pkg.exports[key] as { import?: { default?: string } } | undefined)?.import?.default;
  if (!target) throw new Error(`${specifier} is not in the exports map`);
  return target;
}

export interface Bundled {
  /** Minified bytes. */
  minified: number;
  /** Minified, then gzip'd bytes. */
  gzip: number;
  /** Every file that went into the bundle, relative to the repository. */
  inputs: string[];
}

/**
 * Bundles `code` (which may import `terra-sdk` entry points by name) for a platform, minified and
 * tree-shaken. A Node built-in anywhere in the graph fails the build on `browser` and `neutral`.
 */
export async function bundle(code: string, platform: Platform): Promise<Bundled> {
  const source = code.replace(
    /from '(terra-sdk(?:\/[\w-]+)?)'/g,
    (_, specifier: string) => `from '${distFile(specifier)}'`,
  );
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform,
    // `neutral` has no default main fields or conditions; use what a neutral bundler would.
    ...(platform === 'neutral' ? { mainFields: ['module', 'main'], conditions: ['import', 'default'] } : {}),
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0]?.contents ?? new Uint8Array();
  return {
    minified: output.byteLength,
    gzip: gzipSync(output, { level: 9 }).byteLength,
    inputs: Object.keys(result.metafile.inputs),
  };
}
