import type { Command } from 'commander';
import { addGlobalOptions } from '../global-options.js';
import { registerBisectLog } from './bisect-log.js';
import { registerBisectPrefetch } from './bisect-prefetch.js';
import { registerBisectRefine } from './bisect-refine.js';
import { registerBisectReset } from './bisect-reset.js';
import { registerBisectRun } from './bisect-run.js';
import { registerBisectStart } from './bisect-start.js';
import { registerBisectStatus } from './bisect-status.js';
import { bisectDefault, registerBisectVerdicts } from './bisect-verdict.js';

export function registerBisect(program: Command): void {
  const bisect = addGlobalOptions(
    program
      .command('bisect')
      .description('find the first bad tree across reboots (like git bisect)')
      .argument('[verdict]', 'with custom terms: the term (e.g. fixed), as a verb')
      .argument('[tree]', 'a tree spec, when not the booted tree'),
  ).action(bisectDefault);
  registerBisectStart(bisect);
  registerBisectRefine(bisect);
  registerBisectVerdicts(bisect);
  registerBisectStatus(bisect);
  registerBisectLog(bisect);
  registerBisectReset(bisect);
  registerBisectPrefetch(bisect);
  registerBisectRun(bisect);
}
