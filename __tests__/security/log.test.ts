// The logger is the one way out to stdout, and cluster text cannot issue a workflow command through
// it: whatever a message carries, the runner (modelled after actions/runner) finds only the action's
// own commands, and dumps sit inside a stop-commands block with a fresh random token.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coreLogger, MAX_BLOCK_LINES } from '../../src/util/log.ts';
import { oneLine } from '../../src/util/untrusted-text.ts';
import { FOREIGN_MASK, hostileText, payloads } from './payloads.ts';
import { foreignCommands, readAsRunner } from './runner-model.ts';

let out = '';
beforeEach(() => {
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

const victim = '/tmp/victim-file';

describe('the logger and untrusted text', () => {
  it.each(
    payloads(victim)
      .filter((p) => /::|##\[/.test(p))
      .map((p) => [JSON.stringify(p).slice(0, 60), p]),
  )('info, warn and debug carry %s without it becoming a command', (_name, p) => {
    coreLogger.info(`ClusterOperator network: Degraded — ${p}`);
    coreLogger.info(p);
    coreLogger.info(`  ${oneLine(p)}`);
    coreLogger.warn(p);
    coreLogger.debug(p);
    expect(foreignCommands(out, [])).toEqual([]);
    const runner = readAsRunner(out);
    expect(runner.commands.map((c) => c.name).sort()).toEqual(['debug', 'warning']);
    expect(out.split(/\r\n|\r|\n/).filter((l) => l.trimStart().startsWith('::add-mask::'))).toEqual([]);
    expect(runner.commands.some((c) => c.data.includes(FOREIGN_MASK) && c.name === 'add-mask')).toBe(false);
  });

  it('keeps the text readable: control characters shown escaped, our own line breaks kept', () => {
    coreLogger.info(`plan:\n  1. a\rb\u0007 ${oneLine('c\nd')}`);
    expect(out.split('\n')).toEqual(['plan:', '  1. a\\rb\\x07 c\\nd', '']);
  });

  it('dumps multi-line text inside ::stop-commands::<random token> … ::<token>::, one token per dump', () => {
    const tail = ['I0101 line one', ...payloads(victim), '##[endgroup]', '::error::x'].join('\n');
    coreLogger.block('machine-config-daemon log of worker-0:', tail);
    coreLogger.block('again:', tail);
    const lines = out.split('\n');
    const stops = lines.filter((l) => l.startsWith('::stop-commands::'));
    expect(stops).toHaveLength(2);
    const tokens = stops.map((l) => l.slice('::stop-commands::'.length));
    for (const t of tokens) {
      expect(t).toMatch(/^[0-9a-f]{32}$/);
      expect(lines).toContain(`::${t}::`);
    }
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(foreignCommands(out, [])).toEqual([]);
    const runner = readAsRunner(out);
    expect(runner.stoppedLines).toContain('I0101 line one');
    // Inside the block the lines are inert too: a guessed or leaked token could not end it.
    expect(runner.stoppedLines.filter((l) => l.trimStart().startsWith('::'))).toEqual([]);
  });

  it('bounds what one message or dump can write', () => {
    coreLogger.info(`ClusterOperator x: ${'m'.repeat(1_200_000)}`);
    expect(out.length).toBeLessThan(20_000);
    expect(out).toContain('more characters)');
    out = '';
    coreLogger.block('log:', Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n'));
    expect(out.split('\n').length).toBeLessThan(MAX_BLOCK_LINES + 10);
    expect(out).toContain('line 4999');
    expect(out).toContain('earlier lines not shown');
  });

  it('one message with every payload at once', () => {
    coreLogger.info(hostileText(victim));
    coreLogger.warn(hostileText(victim));
    expect(foreignCommands(out, [])).toEqual([]);
  });
});
