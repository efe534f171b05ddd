// Loads @actions/workflow-parser under plain Node. The package imports its JSON schemas without
// `with { type: 'json' }` (it expects a bundler), which Node's ESM loader refuses; a resolve hook adds
// the attribute for that package's JSON files only, then the package is imported.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (resolved.url.includes('/@actions/workflow-parser/') && resolved.url.endsWith('.json')) {
      return { ...resolved, importAttributes: { type: 'json' } };
    }
    return resolved;
  },
});

export const workflowParser = await import('@actions/workflow-parser');
export const actionParser = await import('@actions/workflow-parser/actions/index');
