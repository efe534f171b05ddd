// A V8 .cpuprofile (node --cpu-prof) and the command line the profile readers share:
// `<file.cpuprofile> [positionals…] [--from µs --to µs]`, the window in the profile's monotonic µs
// (profile-fanout.ts prints it for the span from the node list to the last command accepted).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function readProfileArgs(): { p: Profile; args: string[]; from: number; to: number } {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' } },
  });
  const [file, ...args] = positionals;
  return {
    p: JSON.parse(readFileSync(file, 'utf8')) as Profile,
    args,
    from: Number(values.from ?? -Infinity),
    to: Number(values.to ?? Infinity),
  };
}
