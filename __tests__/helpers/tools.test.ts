// The test tools are looked up on PATH, and a missing one names the package to install.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tool } from './tools.ts';

const dir = mkdtempSync(join(tmpdir(), 'tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tool lookup', () => {
  it('finds an executable in the first PATH directory that has it, skipping relative entries', () => {
    writeFileSync(join(dir, 'kubectl'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(dir, 'ssh'), 'not executable', { mode: 0o644 });
    expect(tool('kubectl', `relative/bin:${dir}:/nonexistent`)).toBe(join(dir, 'kubectl'));
    expect(() => tool('ssh', dir)).toThrow(/ssh is not on PATH/);
  });

  it.each([
    ['kubectl', 'apt-get install kubectl'],
    ['ssh', 'apt-get install openssh-client'],
    ['openssl', 'apt-get install openssl'],
  ] as const)('a missing %s names its Debian package', (name, install) => {
    expect(() => tool(name, '/nonexistent')).toThrow(install);
  });
});
