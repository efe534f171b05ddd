// dist/ ships the licence texts of the packages bundled into it (issue 11, "Licences"): most of the
// bundled packages' licences (MIT, ISC, Apache-2.0, BSD) require their notice to travel with every
// copy, and dist/ is what users of the action copy. scripts/bundle.mjs writes dist/licenses.txt from
// esbuild's metafile; this test checks it against the source maps, an independent record of which
// package files are in the bundle.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-action.ts';

const DIST = path.join(REPO_ROOT, 'dist');
const LICENCES = path.join(DIST, 'licenses.txt');

/** `name version` headers of dist/licenses.txt, each with the section that follows. */
function sections(): Map<string, string> {
  const text = readFileSync(LICENCES, 'utf8');
  const out = new Map<string, string>();
  for (const part of text.split(/^={78}$/m).slice(1)) {
    const [, header, ...rest] = part.split('\n');
    out.set(header!, rest.join('\n'));
  }
  return out;
}

const versionOf = (dir: string): string =>
  (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;

describe('dist/licenses.txt', () => {
  it('exists next to the bundle', () => {
    expect(existsSync(LICENCES), 'run npm run bundle').toBe(true);
  });

  it.each([
    ['@actions/core', 'MIT', /Permission is hereby granted, free of charge/],
    ['@kubernetes/client-node', 'Apache-2.0', /Apache License\s+Version 2\.0/],
    ['ssh2', 'MIT', /Permission is hereby granted, free of charge/],
    ['yaml', 'ISC', /Permission to use, copy, modify, and\/or distribute this software/],
  ])('holds %s with its version, licence and licence text', (name, licence, text) => {
    const version = versionOf(path.join(REPO_ROOT, 'node_modules', name));
    const section = sections().get(`${name} ${version}`);
    expect(section, `${name} ${version}`).toBeDefined();
    expect(section).toContain(`License: ${licence}`);
    expect(section).toMatch(text);
  });

  it('names every package whose files the source maps list, at the version bundled', () => {
    const have = sections();
    const maps = readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.js.map'),
    );
    expect(maps.length).toBeGreaterThan(0);
    const missing = new Set<string>();
    let packages = 0;
    for (const map of maps) {
      const dir = path.dirname(path.join(DIST, map));
      const { sources } = JSON.parse(readFileSync(path.join(DIST, map), 'utf8')) as { sources: string[] };
      const roots = new Set(
        sources
          .map((s) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(s)?.[1])
          .filter((r): r is string => r !== undefined),
      );
      for (const root of roots) {
        const abs = path.resolve(dir, root);
        // esbuild chains the packages' own source maps, whose paths may name source directories that
        // are not installed (node_modules/@octokit/src/…): only installed packages are checked.
        if (!existsSync(path.join(abs, 'package.json'))) continue;
        packages++;
        const pkg = JSON.parse(readFileSync(path.join(abs, 'package.json'), 'utf8')) as {
          name: string;
          version: string;
        };
        if (!have.has(`${pkg.name} ${pkg.version}`)) missing.add(`${pkg.name} ${pkg.version}`);
      }
    }
    expect(packages).toBeGreaterThan(20);
    expect([...missing]).toEqual([]);
  });

  it('gives every package a licence text, or says plainly that it ships none', () => {
    for (const [header, section] of sections()) {
      expect(section, header).toMatch(/^License: \S+/);
      expect(section, header).toMatch(/^--- \S+|ships no licence file/m);
    }
  });
});
