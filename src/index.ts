// Entry point of the bundle. The runner runs dist/index.js twice: as `main`, then as `post` at the
// end of the job; saved state (STATE_isPost) tells the two apart, as actions/checkout does.
import * as core from '@actions/core';
import { run } from './main.ts';
import { post } from './post.ts';

if (core.getState('isPost') === 'true') {
  await post();
} else {
  core.saveState('isPost', 'true');
  await run();
}
