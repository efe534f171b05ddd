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
    expect((await runCommandLine(e, 'sudo shutdown -r 25:00')).code).toBe(1);
    expect((await runCommandLine(e, 'sudo systemd-run --on-active=soon systemctl reboot')).code).toBe(1);
    expect(e.hooks.reboots).toEqual([]);
  });

  it('takes -t with its argument as a no-op, HH:MM as a time of day, and words after the time as the wall', async () => {
    const e = env();
    expect((await runCommandLine(e, 'sudo shutdown -r -t x')).code).toBe(0);
    expect((await runCommandLine(e, 'sudo shutdown -r +5 "maintenance window"')).code).toBe(0);
    const at = new Date(Date.now() + 3 * 3600_000);
    const hhmm = `${at.getUTCHours()}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
    expect((await runCommandLine(e, `sudo shutdown -r ${hhmm}`)).code).toBe(0);
    const [a, b, c] = e.hooks.reboots.map((r) => r.delaySeconds);
    expect([a, b]).toEqual([60, 300]);
    expect(c).toBeGreaterThan(3 * 3600 - 120);
    expect(c).toBeLessThanOrEqual(3 * 3600);
  });

  it('says "Shutdown scheduled" on RHCOS 8 (4.12 and older) and stops a list at an immediate reboot', async () => {
    const e = env();
    e.ctx.scenario.version = '4.6.21';
    expect((await runCommandLine(e, 'sudo shutdown -r -t 3')).stderr).toMatch(/^Shutdown scheduled for /);
    const r = await runCommandLine(e, 'echo before; sudo systemctl reboot; echo after');
    expect(r).toEqual({ stdout: 'before\n', stderr: '', code: 0, hangup: true });
    expect((await runCommandLine(e, 'sudo shutdown -r now && echo after')).hangup).toBe(true);
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
    expect(await runCommandLine(e, 'ip -j neigh')).toMatchObject({ code: 1 });
    expect(JSON.parse((await runCommandLine(e, 'ip -j addr')).stdout)).toEqual(expect.any(Array));
  });
});
