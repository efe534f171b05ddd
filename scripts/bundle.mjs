// Bundles src/index.ts into dist/index.js (ESM + source map) for the node24 runner, src/fleet/index.ts
// into dist/fleet.js for the fleet action (fleet/action.yml), and writes dist/licenses.txt: the name,
// version, declared licence and licence text of every package whose code is in the main bundle (from
// esbuild's metafile: inputs that contribute bytes to an output; the fleet bundle has no dependency).
// ssh2 tries optional native modules (cpu-features, sshcrypto.node) inside try/catch; they are replaced
// by modules that throw, so the bundle never loads a native addon and ssh2 uses its pure-JS code.
// debug (via the artifact client) tries supports-color the same way; it is in node_modules only as a
// development tool's dependency (patch-package's chalk), so it is left out too: the bundle does not
// change with what the development tools hoist, and the runner's log is no terminal to colour.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { build } from 'esbuild';

const excludeNative = {
  name: 'exclude-native',
  setup(b) {
    b.onResolve({ filter: /^cpu-features$|^supports-color$|\.node$/ }, (args) => ({
      path: args.path,
      namespace: 'native-excluded',
    }));
    b.onLoad({ filter: /.*/, namespace: 'native-excluded' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`optional module ${args.path} is not bundled`)});`,
      loader: 'js',
    }));
  },
};

// @kubernetes/client-node re-exports its whole generated API from every entry point and does not
// declare itself free of side effects, so esbuild keeps all of it (2 MB). Its modules only define
// classes and functions; marking them side-effect free lets esbuild drop what the action never uses.
const clientNodeSideEffectFree = {
  name: 'client-node-side-effect-free',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.fromSideEffectPlugin) return undefined;
      const inside =
        /@kubernetes[\\/]client-node[\\/]/.test(args.importer) || args.path === '@kubernetes/client-node';
      if (!inside) return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: { fromSideEffectPlugin: true },
      });
      if (r.errors.length || r.external || !/@kubernetes[\\/]client-node[\\/]/.test(r.path)) return undefined;
      return { path: r.path, sideEffects: false };
    });
  },
};

/** What both bundles share: ESM for node24, a source map, no minified names. */
const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: true,
  // Whitespace and syntax only: names stay as written, so stack traces read without the source map.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
};

// Chunk names carry a content hash: start from an empty dist/ so no stale chunk is left behind.
rmSync('dist', { recursive: true, force: true });

const result = await build({
  metafile: true,
  entryPoints: ['src/index.ts'],
  // index.js plus chunks for what is loaded lazily (the artifact client).
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  ...COMMON,
  plugins: [excludeNative, clientNodeSideEffectFree],
  // CommonJS dependencies (ssh2, yaml's cjs parts) call require() and read __dirname (ssh2's agent);
  // give the ESM bundle both. __dirname is then dist/, which only ssh2's Windows pageant path uses.
  define: { __dirname: 'import.meta.dirname', __filename: 'import.meta.filename' },
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

/** The package directory of a bundled input (the innermost node_modules/<name> or <@scope/name>). */
function packageDir(input) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
  return m?.[1];
}

/** package.json's licence: `license` (an SPDX string, or an old `{type}`), or the old `licenses` list. */
function declaredLicence(pkg) {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license?.type) return pkg.license.type;
  const list = Array.isArray(pkg.licenses) ? pkg.licenses.map((l) => l?.type ?? l).filter(Boolean) : [];
  return list.length ? list.join(' OR ') : 'UNKNOWN';
}

const LICENCE_FILE = /^(licen[cs]e|copying|notice)([-._].*)?$/i;

/** Packages whose code is in an output, with their licence texts. */
function bundledPackages(metafile) {
  const dirs = new Set();
  for (const output of Object.values(metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs))
      if (bytesInOutput > 0) {
        const dir = packageDir(input);
        if (dir) dirs.add(dir);
      }
  return [...dirs].map((dir) => {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const files = readdirSync(dir)
      .filter((f) => LICENCE_FILE.test(f))
      .sort();
    const license = declaredLicence(pkg);
    return { name: pkg.name, version: pkg.version, license, files, dir };
  });
}

/** The licence section of a package's README (for packages that ship no licence file), or undefined. */
function readmeLicence(dir) {
  const readme = readdirSync(dir).find((f) => /^readme(\.(md|markdown|txt))?$/i.test(f));
  if (!readme) return undefined;
  const lines = readFileSync(path.join(dir, readme), 'utf8').split(/\r?\n/);
  const heading = (i) =>
    /^#+\s/.test(lines[i] ?? '') || /^(=+|-+)\s*$/.test(lines[i + 1] ?? '') ? (lines[i] ?? '') : undefined;
  const start = lines.findIndex((_, i) => /licen[cs]e/i.test(heading(i) ?? ''));
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && heading(end) === undefined) end++;
  return { file: readme, text: lines.slice(start, end).join('\n').trim() };
}

const packages = bundledPackages(result.metafile).sort(
  (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
);
const rule = '='.repeat(78);
const sections = packages.map((p) => {
  const texts = p.files.map((f) => `--- ${f}\n\n${readFileSync(path.join(p.dir, f), 'utf8').trim()}\n`);
  const fromReadme = p.files.length ? undefined : readmeLicence(p.dir);
  if (fromReadme) texts.push(`--- ${fromReadme.file} (its licence section)\n\n${fromReadme.text}\n`);
  return [
    rule,
    `${p.name} ${p.version}`,
    `License: ${p.license}`,
    '',
    texts.length
      ? texts.join('\n')
      : p.license === 'UNKNOWN'
        ? '(The package ships no licence file and its package.json declares no licence.)\n'
        : `(The package ships no licence file; its package.json declares the licence "${p.license}".)\n`,
  ].join('\n');
});
writeFileSync(
  'dist/licenses.txt',
  `Third-party packages bundled in dist/ (${packages.length}): name, version, licence and licence text.\n\n${sections.join('\n')}`,
);
const unlicensed = packages
  .filter((p) => !p.files.length)
  .map((p) => `${p.name}@${p.version} (${p.license})`);
// Not an error: the declared licence is written instead, and these are named for the release notes.
if (unlicensed.length) process.stderr.write(`bundle: no licence file in ${unlicensed.join(', ')}\n`);

// The fleet action: one self-contained file, built apart so that it shares no chunk with the migration
// action and neither bundle grows with the other. It has no dependency beyond Node's own modules.
await build({
  entryPoints: ['src/fleet/index.ts'],
  outfile: 'dist/fleet.js',
  ...COMMON,
});
