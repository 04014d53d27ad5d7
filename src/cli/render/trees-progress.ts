// Draws the trees core's progress events on stderr: one rewritten line on a terminal, sparse plain
// lines otherwise, never on stdout.
import type { TreesEvent } from '../../trees/events.js';
import { formatBytes } from './format.js';

export function treesProgressPrinter(stream: NodeJS.WriteStream = process.stderr): (e: TreesEvent) => void {
  const tty = Boolean(stream.isTTY);
  let live = false;
  let lastPlain = 0;
  const say = (text: string) => {
    if (live) stream.write('\r\x1b[K');
    live = false;
    stream.write(text + '\n');
  };
  return (e) => {
    switch (e.kind) {
      case 'remote-added':
        say(`added remote ${e.name} (${e.url})`);
        break;
      case 'stateroot-created':
        say(`created stateroot ${e.stateroot}`);
        break;
      case 'pull': {
        const p = e.progress;
        const total = p.totalObjects ? `/${p.totalObjects}` : '';
        const text = `pulling ${e.what}: ${p.fetchedObjects}${total} objects, ${formatBytes(p.bytes)}${p.done ? ', done' : ''}`;
        if (tty && !p.done) {
          stream.write(`\r\x1b[K${text}`);
          live = true;
        } else if (p.done || Date.now() - lastPlain > 2000) {
          lastPlain = Date.now();
          say(text);
        }
        break;
      }
      case 'deploy':
        say(`deploying ${e.refspec} into ${e.stateroot}`);
        break;
      case 'undeploy':
        say(
          `removed ${e.version ? `${e.version} ` : ''}(${e.checksum.slice(0, 10)}.${e.serial}) from ${e.stateroot}`,
        );
        break;
      case 'cleanup':
        say('pruning the repository');
        break;
      case 'note':
        say(e.message);
        break;
    }
  };
}
