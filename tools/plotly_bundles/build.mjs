// Build the plotly.js bundles the book serves from plotly.js's own sources.
// package.json's "nnlearn.bundles" lists each bundle and the trace types it
// draws (book/_ext/offline_assets.py reads the same list to choose a figure's
// bundle). Each bundle is plotly.js's core (which always has "scatter") with
// those traces registered, bundled with the esbuild settings of plotly.js's
// esbuild-config.js and minified by esbuild.
//
// Why not plotly.js's dist files: a browser runs these in about half the time
// before it can draw the first figure (README, "Page speed"): they hold only
// the traces the book draws, and esbuild's minified output is quicker to start
// than the dist files'.
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
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const lib = join(require.resolve('plotly.js/package.json'), '..', 'lib');
const { version } = readJson(join(lib, '..', 'package.json'));
const esbuildVersion = readJson(require.resolve('esbuild/package.json')).version;
const { bundles } = readJson(new URL('package.json', import.meta.url)).nnlearn;

for (const [file, traces] of Object.entries(bundles)) {
  const name = file.replace(/^plotly-|\.min\.js$/g, '');
  const registered = traces.filter((t) => t !== 'scatter');  // in the core already
  const entry = [
    "'use strict';",
    "var Plotly = require('./core');",
    `Plotly.register([${registered.map((t) => `require('./${t}')`).join(', ')}]);`,
    'module.exports = Plotly;',
  ].join('\n');
  const banner = [
    '/**',
    `* plotly.js (${name} - minified) v${version}`,
    `* Built by tools/plotly_bundles (esbuild ${esbuildVersion}), traces: ${traces.join(', ')}`,
    '* Copyright 2012-2026, Plotly, Inc.',
    '* All rights reserved.',
    '* Licensed under the MIT license',
    '*/',
  ].join('\n');
  await build({
    stdin: { contents: entry, resolveDir: lib, sourcefile: `${name}.js` },
    outfile: join(outDir, file),
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
  console.log(`built ${join(outDir, file)}`);
}
