// Build the two plotly.js bundles the book serves, from plotly.js's own
// entry points (lib/index-cartesian.js and lib/index-gl3d.js: the same trace
// types as its dist files plotly-cartesian.min.js and plotly-gl3d.min.js), with
// the esbuild settings of plotly.js's esbuild-config.js, minified by esbuild.
//
// Why not the dist files themselves: a browser runs this build of the same
// code about twice as fast before it can draw the first figure (measured in
// headless Chromium: README, "Page speed").
//
// Usage: node build.mjs OUT_DIR   (`make plotly-bundles` runs it)
import { build } from 'esbuild';
import { environmentPlugin } from 'esbuild-plugin-environment';
import { glsl } from 'esbuild-plugin-glsl';
import InlineCSSPlugin from 'esbuild-plugin-inline-css';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const outDir = process.argv[2];
if (!outDir) throw new Error('usage: node build.mjs OUT_DIR');
const lib = join(require.resolve('plotly.js/package.json'), '..', 'lib');
const { version } = JSON.parse(readFileSync(join(lib, '..', 'package.json'), 'utf8'));
const esbuildVersion = JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;

for (const [name, entry] of [['cartesian', 'index-cartesian.js'], ['gl3d', 'index-gl3d.js']]) {
  const banner = [
    '/**',
    `* plotly.js (${name} - minified) v${version}`,
    `* Built by tools/plotly_bundles (esbuild ${esbuildVersion}) from plotly.js/lib/${entry}`,
    '* Copyright 2012-2026, Plotly, Inc.',
    '* All rights reserved.',
    '* Licensed under the MIT license',
    '*/',
  ].join('\n');
  await build({
    entryPoints: [join(lib, entry)],
    outfile: join(outDir, `plotly-${name}.min.js`),
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    banner: { js: banner },
    plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'warning',
  });
  console.log(`built ${join(outDir, `plotly-${name}.min.js`)}`);
}
