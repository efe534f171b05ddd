// The post step: removes the run's private directory of files that held a credential, whatever the
// main step's outcome. Its token comes from saved state because post runs in a new process; saved
// state can be forged, so it is validated there (util/secret-dir.ts) and this step never throws.
import { coreLogger, type Logger } from './util/log.ts';
import { removeSecretTempDir } from './util/secret-dir.ts';

export async function post(log: Logger = coreLogger): Promise<void> {
  try {
    await removeSecretTempDir(log);
  } catch {
    log.warn('The post step could not clean up; nothing else was changed.');
  }
}
