// A node's filesystem as far as the action can see it over SSH: directories and regular files with a
// size and mtime (contents only where a command prints them). Backups written by cluster-backup.sh
// live here so that `ls`, `test -s` and `stat` can verify them, as an operator would.
import { posix } from 'node:path';

export interface FileEntry {
  size: number;
  mtime: Date;
  /** `ls -l` mode string, e.g. `-rw-------`. */
  mode: string;
  owner: string;
  content?: string;
}

export type PathInfo = { kind: 'dir'; mtime: Date } | ({ kind: 'file' } & FileEntry);

/** The login directory of `core`; relative paths resolve against it. */
export const HOME = '/home/core';

export class NodeFilesystem {
  private readonly dirs = new Map<string, Date>();
  private readonly files = new Map<string, FileEntry>();

  constructor() {
    for (const d of ['/', '/home', HOME, '/etc', '/tmp', '/var', '/var/tmp', '/usr/local/bin'])
      this.dirs.set(d, new Date());
  }

  resolve(path: string): string {
    return posix.resolve(HOME, path);
  }

  /** `mkdir -p`: creates the directory and its parents. */
  mkdirp(path: string): void {
    const abs = this.resolve(path);
    if (this.files.has(abs)) throw new Error(`mkdir: cannot create directory '${path}': File exists`);
    for (let p = abs; !this.dirs.has(p); p = posix.dirname(p)) this.dirs.set(p, new Date());
  }

  writeFile(path: string, entry: FileEntry): void {
    const abs = this.resolve(path);
    this.mkdirp(posix.dirname(abs));
    this.files.set(abs, entry);
  }

  stat(path: string): PathInfo | undefined {
    const abs = this.resolve(path);
    const dir = this.dirs.get(abs);
    if (dir) return { kind: 'dir', mtime: dir };
    const file = this.files.get(abs);
    return file ? { kind: 'file', ...file } : undefined;
  }

  /** Direct children of a directory, sorted by name as `ls` prints them. */
  list(path: string): { name: string; info: PathInfo }[] {
    const abs = this.resolve(path);
    const out: { name: string; info: PathInfo }[] = [];
    for (const [p, mtime] of this.dirs)
      if (p !== abs && posix.dirname(p) === abs)
        out.push({ name: posix.basename(p), info: { kind: 'dir', mtime } });
    for (const [p, f] of this.files)
      if (posix.dirname(p) === abs) out.push({ name: posix.basename(p), info: { kind: 'file', ...f } });
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
