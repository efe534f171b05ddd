// The unsafe call is hard to write: in src/, only the logger (src/util/log.ts) may write to stdout or
// stderr or call core.info; ESLint refuses it anywhere else (eslint.config.js).
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-action.ts';

const eslint = new ESLint({ cwd: REPO_ROOT });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const UNSAFE = [
  "import * as core from '@actions/core';\ncore.info('x');\n",
  "import { info } from '@actions/core';\ninfo('x');\n",
  "import * as core from '@actions/core';\nconst { info } = core;\ninfo('x');\n",
  "import * as core from '@actions/core';\ncore['info']('x');\n",
  "process.stdout.write('x');\n",
  "process.stderr.write('x');\n",
  "console.log('x');\n",
];

describe('ESLint keeps raw output in the logger', () => {
  it.each(UNSAFE)('refuses %j in src/', async (code) => {
    const found = await problems('src/checks/preflight.ts', code);
    expect(found.some((p) => /no-restricted-syntax|no-console/.test(p))).toBe(true);
  });

  it('allows it in src/util/log.ts, and the logger and annotations everywhere', async () => {
    expect(await problems('src/util/log.ts', UNSAFE[0])).toEqual([]);
    const safe =
      "import * as core from '@actions/core';\nimport { coreLogger } from '../util/log.ts';\ncoreLogger.info('x');\ncore.warning('y');\n";
    expect(await problems('src/checks/preflight.ts', safe)).toEqual([]);
  });
});
