// The system programs the tests and benches drive (kubectl, OpenSSH's ssh, openssl), found on PATH
// like a shell would, not at fixed paths: a runner may have them in /usr/local/bin or a tool cache. A
// missing one fails the test that needs it with the Debian package to install, not with ENOENT.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** The Debian/Ubuntu package providing each tool (`dpkg -S` on the development machine). */
const PACKAGES = {
  kubectl: 'kubectl',
  ssh: 'openssh-client',
  openssl: 'openssl',
} as const;

export type Tool = keyof typeof PACKAGES;

const found = new Map<Tool, string>();

/** Absolute path of `tool` on PATH; throws naming the package to install when it is missing. */
export function tool(name: Tool, path = process.env.PATH ?? ''): string {
  const cached = found.get(name);
  if (cached && path === process.env.PATH) return cached;
  for (const dir of path.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue; // a relative PATH entry would depend on the cwd
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (path === process.env.PATH) found.set(name, candidate);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(
    `${name} is not on PATH: the tests need it — install it (Debian/Ubuntu: sudo apt-get install ${PACKAGES[name]}) or add its directory to PATH`,
  );
}
