// `npm ci` on a fresh clone runs without a prompt: npm 11 skips a dependency's install script unless
// package.json's `allowScripts` decides it, and lists the undecided ones for review. Every package in
// the lock file that has an install script must be decided there — `node` approved, since its
// preinstall fetches the Node 24 binary every npm script runs on.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));

describe('install-script approval', () => {
  it('every dependency with an install script is approved or denied in package.json', () => {
    const lock = read('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> };
    const allow = (read('package.json') as { allowScripts: Record<string, boolean> }).allowScripts;
    const withScripts = Object.entries(lock.packages)
      // The root package ('') is the project itself: its postinstall (patch-package) is its own.
      .filter(([key, p]) => p.hasInstallScript && key !== '')
      .map(([key]) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    expect(withScripts.filter((name) => typeof allow[name] !== 'boolean')).toEqual([]);
    expect(allow.node).toBe(true);
  });
});
