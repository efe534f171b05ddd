// Bundles src/index.ts into dist/index.js (ESM + source map) for the node24 runner, and src/fleet/index.ts
// into dist/fleet.js for the fleet action (fleet/action.yml).
// ssh2 tries optional native modules (cpu-features, sshcrypto.node) inside try/catch; they are replaced
// by modules that throw, so the bundle never loads a native addon and ssh2 uses its pure-JS code.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const excludeNative = {
  name: 'exclude-native',
  setup(b) {
    b.onResolve({ filter: /^cpu-features$|\.node$/ }, (args) => ({
      path: args.path,
      namespace: 'native-excluded',
    }));
    b.onLoad({ filter: /.*/, namespace: 'native-excluded' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`native module ${args.path} is not bundled`)});`,
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

// Chunk names carry a content hash: start from an empty dist/ so no stale chunk is left behind.
rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: ['src/index.ts'],
  // index.js plus chunks for what is loaded lazily (the artifact client).
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
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
  plugins: [excludeNative, clientNodeSideEffectFree],
  // CommonJS dependencies (ssh2, yaml's cjs parts) call require() and read __dirname (ssh2's agent);
  // give the ESM bundle both. __dirname is then dist/, which only ssh2's Windows pageant path uses.
  define: { __dirname: 'import.meta.dirname', __filename: 'import.meta.filename' },
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

// The fleet action: one self-contained file, built apart so that it shares no chunk with the migration
// action and neither bundle grows with the other. It has no dependency beyond Node's own modules.
await build({
  entryPoints: ['src/fleet/index.ts'],
  outfile: 'dist/fleet.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
});
