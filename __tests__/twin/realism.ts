// The bad day a real cluster has during a migration, as scenario settings: the API server gone while
// the control plane lacks quorum, controllers that react late, operators that flap after reboots. All
// of it is on by default (it costs the suite milliseconds at the default time scale); a test that is
// about something else may switch a part off with `realism: { apiOutage: false }` and says why.
import type { Timing } from './scenario.ts';

export interface Realism {
  /**
   * While fewer than a quorum (n/2+1) of the control-plane nodes are booted, the API server refuses
   * connections and resets open ones (watches end); it comes back `apiRecoverySeconds` after quorum
   * returns (etcd elects a leader, kube-apiserver starts and passes its readiness checks).
   */
  apiOutage: boolean;
  apiRecoverySeconds: number;
  /**
   * MCO's reaction time: after a change that needs a new rendered config, the render controller
   * points the pool at it this much later, and the node controller picks the pool up (Updating=True,
   * new observedGeneration) this much later again; until then the pool reports its old Updated=True,
   * Updating=False and observedGeneration.
   */
  mcoReactionSeconds: number;
  /** An ovnkube-node pod is Ready this long after it is created (it runs ovn-controller, northd, ...). */
  ovnkubeNodeReadySeconds: number;
  /**
   * After a control-plane node comes back from a reboot, kube-apiserver, etcd, authentication,
   * openshift-apiserver and console go Progressing (some Degraded) for a while; after any node's reboot
   * ingress, dns and monitoring do. Each settles `flapSeconds` later (staggered by a few seconds).
   */
  operatorFlapping: boolean;
  flapSeconds: number;
}

export const DEFAULT_REALISM: Realism = {
  apiOutage: true,
  apiRecoverySeconds: 90,
  mcoReactionSeconds: 15,
  ovnkubeNodeReadySeconds: 30,
  operatorFlapping: true,
  flapSeconds: 120,
};

/** Everything off: the twin of before the bad day (controllers react at once, the API never goes). */
export const NO_REALISM: Realism = {
  apiOutage: false,
  apiRecoverySeconds: 0,
  mcoReactionSeconds: 0,
  ovnkubeNodeReadySeconds: 0,
  operatorFlapping: false,
  flapSeconds: 0,
};

export type TimingProfile = 'fast' | 'observable';

/**
 * `fast`: the defaults (5 ms per virtual second: a Progressing condition lasts ~100 ms, no poller sees
 * it). `observable`: 25 ms per virtual second and no state shorter than 1.5 s real, so `kubectl wait`
 * or a client polling once a second sees every state (the CI-style 4.14 script takes about 70 s).
 */
export const TIMING_PROFILES: Record<TimingProfile, Partial<Timing>> = {
  fast: {},
  observable: { msPerSecond: 25, minStateMs: 1500 },
};
