// Fixtures kept in the repository for reviewers to open (rendered summaries): each test regenerates
// its fixture and fails when it differs from the committed file. To accept a change on purpose:
//   UPDATE_FIXTURES=1 npx vitest run __tests__/report/
// then review the diff of __tests__/report/fixtures/ and commit it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

export const updatingFixtures = (): boolean => process.env.UPDATE_FIXTURES === '1';

/** Compares `text` with fixtures/<name> (or writes it, with UPDATE_FIXTURES=1). */
export function expectFixture(name: string, text: string): void {
  const file = DIR + name;
  if (updatingFixtures()) {
    writeFileSync(file, text);
    return;
  }
  expect(
    existsSync(file),
    `${file} is missing: create it with UPDATE_FIXTURES=1 npx vitest run __tests__/report/`,
  ).toBe(true);
  // Line by line: a failure shows the first line that differs, not two 100 KB strings.
  const committed = readFileSync(file, 'utf8').split('\n');
  const now = text.split('\n');
  const at = now.findIndex((line, i) => line !== committed[i]);
  const first = at === -1 && now.length !== committed.length ? now.length : at;
  if (first !== -1)
    expect(
      now[first],
      `${name} line ${first + 1} differs from the committed fixture (UPDATE_FIXTURES=1 to accept the change)`,
    ).toBe(committed[first]);
}
