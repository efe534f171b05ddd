// Bundles src/index.ts into dist/index.js (ESM + source map) for the node24 runner.
// ssh2 tries optional native modules (cpu-features, sshcrypto.node) inside try/catch; they are replaced
// by modules that throw, so the bundle never loads a native addon and ssh2 uses its pure-JS code.
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

await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [excludeNative],
  // CommonJS dependencies (ssh2, yaml's cjs parts) call require() and read __dirname (ssh2's agent);
  // give the ESM bundle both. __dirname is then dist/, which only ssh2's Windows pageant path uses.
  define: { __dirname: 'import.meta.dirname', __filename: 'import.meta.filename' },
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
