// Every path the action writes on the runner stays under its work directory: names that come from
// inputs or from the cluster (backup file names in the checkpoint) are joined only through here.
import { isAbsolute, join, relative, resolve } from 'node:path';

export class PathOutsideWorkDir extends Error {
  constructor(base: string, name: string) {
    super(`refusing to write ${JSON.stringify(name)}: it would land outside ${base}`);
    this.name = 'PathOutsideWorkDir';
  }
}

/** `base/name`, or PathOutsideWorkDir when the result is not strictly inside base. */
export function pathUnder(base: string, name: string): string {
  const full = resolve(base, name);
  const rel = relative(resolve(base), full);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) throw new PathOutsideWorkDir(base, name);
  return join(base, name);
}
