// One twin API server for a test file: started before its tests, stopped after, with the admin
// kubeconfig read once. `onReady` hands both to the file's own variables.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { type ApiFixture, startFixture } from '../twin/api/fixture.ts';

export function useApiFixture(onReady: (f: ApiFixture, adminKubeconfig: string) => void): void {
  let f: ApiFixture | undefined;
  beforeAll(async () => {
    f = await startFixture();
    onReady(f, await readFile(f.adminKubeconfig, 'utf8'));
  });
  afterAll(async () => {
    await f?.stop();
  });
}
