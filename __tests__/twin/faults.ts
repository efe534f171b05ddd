// Fault controls shared by the API server, the SSH nodes and the controllers. Faults come from the
// scenario or are switched on and off at run time by a test (`twin.faults.add(...)`).
import type { Fault } from './scenario.ts';

export class Faults {
  private readonly active: Fault[];
  /** How many times each fault kind actually fired (tests and the soak report read it). */
  readonly fired = new Map<string, number>();

  constructor(initial: Fault[] = []) {
    this.active = initial.map((f) => ({ ...f }));
  }

  add(fault: Fault): void {
    this.active.push({ ...fault });
  }

  /** Removes faults of a kind (all faults when no kind is given). */
  clear(kind?: Fault['kind']): void {
    for (let i = this.active.length - 1; i >= 0; i--)
      if (!kind || this.active[i].kind === kind) this.active.splice(i, 1);
  }

  list(): readonly Fault[] {
    return this.active;
  }

  /** The first active fault of a kind matching `pred`. */
  find<K extends Fault['kind']>(kind: K, pred: (f: Extract<Fault, { kind: K }>) => boolean = () => true) {
    return this.active.find(
      (f): f is Extract<Fault, { kind: K }> => f.kind === kind && pred(f as Extract<Fault, { kind: K }>),
    );
  }

  /** Fault kinds that apply to one node. */
  forNode<K extends Fault['kind']>(kind: K, node: string) {
    return this.find(kind, (f) => 'node' in f && f.node === node);
  }

  /** Records that a fault took effect. */
  fire(kind: Fault['kind']): void {
    this.fired.set(kind, (this.fired.get(kind) ?? 0) + 1);
  }

  /** Removes one particular fault object (e.g. when a counted burst is used up). */
  remove(fault: Fault): void {
    const i = this.active.indexOf(fault);
    if (i >= 0) this.active.splice(i, 1);
  }
}
