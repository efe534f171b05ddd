// The command interpreter on its own: parsing, lists, redirections and the exit codes bash would give.
import { describe, expect, it } from 'vitest';
import { NodeFilesystem } from './node-fs.ts';
import { runCommandLine, tokenize, type ShellEnv } from './shell.ts';
import { FakeHooks, makeContext } from './test-support.ts';

function env(pool = 'worker'): ShellEnv & { hooks: FakeHooks } {
  const ctx = makeContext({ nodes: [{ name: 'n-0', pool, mtu: 1400 }], timing: { etcdBackupSeconds: 5 } });
  return {
    ctx,
    node: ctx.scenario.nodes[0],
    nodeIndex: 0,
    hooks: new FakeHooks(),
    fs: new NodeFilesystem(),
    fallbackBootId: 'x',
  };
}

describe('node shell', () => {
  it('tokenizes quotes, escapes and list operators', () => {
    expect(tokenize(`echo 'a b' "c \\"d\\"" e\\ f&&x||y;z`)).toEqual([
      { word: 'echo' },
      { word: 'a b' },
      { word: 'c "d"' },
      { word: 'e f' },
      { op: '&&' },
      { word: 'x' },
      { op: '||' },
      { word: 'y' },
      { op: ';' },
      { word: 'z' },
    ]);
    expect(() => tokenize(`echo 'open`)).toThrow(SyntaxError);
  });

  it('runs && / || / ; lists with bash semantics', async () => {
    const e = env();
    expect(await runCommandLine(e, 'false && echo no || echo yes; hostname')).toEqual({
      stdout: 'yes\nn-0\n',
      stderr: '',
      code: 0,
    });
    expect((await runCommandLine(e, 'true && nope')).code).toBe(127);
    expect((await runCommandLine(e, '&& true')).code).toBe(2);
    expect((await runCommandLine(e, `bash -c 'hostname && whoami'`)).stdout).toBe('n-0\ncore\n');
  });

  it('applies redirections', async () => {
    const e = env();
    expect(await runCommandLine(e, 'nope 2>&1')).toEqual({
      stdout: 'bash: nope: command not found\n',
      stderr: '',
      code: 127,
    });
    expect(await runCommandLine(e, 'nope 2>/dev/null')).toEqual({ stdout: '', stderr: '', code: 127 });
    expect((await runCommandLine(e, 'hostname > /dev/null')).stdout).toBe('');
  });

  it('validates sudo options and reports missing programs the way sudo does', async () => {
    const e = env();
    expect(await runCommandLine(e, 'sudo -x true')).toMatchObject({
      code: 1,
      stderr: "sudo: invalid option -- 'x'\n",
    });
    expect(await runCommandLine(e, 'sudo -nE nope')).toMatchObject({
      code: 1,
      stderr: 'sudo: nope: command not found\n',
    });
    expect((await runCommandLine(e, 'sudo')).code).toBe(1);
  });

  it('rejects shutdown times it cannot parse and does not reboot', async () => {
    const e = env();
    expect((await runCommandLine(e, 'sudo shutdown -r tomorrow')).code).toBe(1);
    expect((await runCommandLine(e, 'sudo shutdown -r -t x')).code).toBe(1);
    expect(e.hooks.reboots).toEqual([]);
  });

  it('prints the backup usage without a directory and mkdir/ls/stat behave', async () => {
    const e = env('master');
    const usage = await runCommandLine(e, 'sudo /usr/local/bin/cluster-backup.sh');
    expect(usage).toMatchObject({
      code: 1,
      stdout: 'Path to backup dir required: ./cluster-backup.sh [--force] <path-to-backup-dir>\n',
    });
    expect((await runCommandLine(e, 'mkdir -p backups/a && ls')).stdout).toBe('backups\n');
    expect((await runCommandLine(e, 'test -d /home/core/backups/a')).code).toBe(0);
    expect(await runCommandLine(e, 'stat -c %s missing')).toMatchObject({
      code: 1,
      stderr: "stat: cannot statx 'missing': No such file or directory\n",
    });
    expect(await runCommandLine(e, 'ip -j addr')).toMatchObject({ code: 1 });
  });
});
