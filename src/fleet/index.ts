// Entry point of dist/fleet.js (fleet/action.yml): runs the fleet command and turns an error into one
// annotation and a failed step.
import { FleetInputError } from './clusters.ts';
import { runFleet } from './fleet.ts';
import { reportError } from './runner-files.ts';

try {
  await runFleet();
} catch (err) {
  // Bad input is the expected failure and reads as one line; anything else keeps its stack for a bug report.
  reportError(
    err instanceof FleetInputError
      ? err.message
      : err instanceof Error
        ? (err.stack ?? err.message)
        : String(err),
  );
}
