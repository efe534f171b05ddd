// The twin's controllers: `seedCluster` builds the initial cluster from the scenario,
// `startControllers` runs the operators and node agents that react to what clients change.
export { seedCluster } from './seed.ts';
export { startControllers, type Controllers } from './controllers.ts';
