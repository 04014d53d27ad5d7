// Draws the core's progress events on stderr: one rewritten line on a terminal, sparse plain
// lines otherwise (logs, CI), never on stdout.
import type { BisectEvent } from '../../bisect/events.js';
import { formatBytes } from './format.js';

export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (e: BisectEvent) => void {
  const tty = Boolean(stream.isTTY);
  let live = false;
  let lastPlain = 0;
  const line = (text: string) => {
    if (tty) {
      stream.write(`\r\x1b[K${text}`);
      live = true;
    }
  };
  const say = (text: string) => {
    if (live) stream.write('\r\x1b[K');
    live = false;
    stream.write(text + '\n');
  };
  const v = (version: string | null, checksum: string) =>
    `${version ?? ''} (${checksum.slice(0, 10)})`.trim();
  return (e) => {
    switch (e.kind) {
      case 'list':
        line(`listing the server's commits… ${e.fetched}`);
        break;
      case 'pull': {
        const p = e.progress;
        const total = p.totalObjects ? `/${p.totalObjects}` : '';
        const text = `pulling ${v(e.version, e.checksum)}: ${p.fetchedObjects}${total} objects, ${formatBytes(p.bytes)}`;
        if (tty) line(text);
        else if (p.done || Date.now() - lastPlain > 2000) {
          lastPlain = Date.now();
          say(text);
        }
        break;
      }
      case 'pulled':
        if (e.waited) say(`pulled ${v(e.version, e.checksum)}`);
        break;
      case 'deploy':
        say(
          e.ahead
            ? `${v(e.version, e.checksum)} was deployed ahead: making it the next boot`
            : `deploying ${v(e.version, e.checksum)}`,
        );
        break;
      case 'deploy-ahead':
        say(`deployed ${v(e.version, e.checksum)}.${e.serial} ahead, after the other trees`);
        break;
      case 'undeploy':
        say(`removed candidate ${v(e.version, e.checksum)}.${e.serial}`);
        break;
      case 'inferred':
        say(
          `${v(e.version, e.checksum)} has the same content as ${e.sameAs.slice(0, 10)}: ${e.verdict} without a reboot`,
        );
        break;
      case 'did-not-boot':
        say(
          `${v(e.expectedVersion, e.expected)} did not boot (the machine booted ${e.booted ? e.booted.slice(0, 10) : 'nothing'}): recorded as did-not-boot; your verdict was not applied to another tree`,
        );
        break;
      case 'missing-history':
        say(
          `the server pruned ${e.missing.length} commit(s) in the range (${e.missing.map((m) => m.checksum.slice(0, 10)).join(', ')}): left out${e.gapAfterGood ? '; older history up to good is unknown' : ''}`,
        );
        break;
      case 'note':
        say(e.message);
        break;
      case 'source-build': {
        const b = e.event;
        const c = b.sourceCommit.slice(0, 10);
        if (b.kind === 'build-start') say(`building ${c} (log: ${b.log})`);
        else if (b.kind === 'build-done') say(`built ${c} in ${b.seconds.toFixed(1)}s`);
        else if (b.kind === 'build-failed' && !b.cached)
          say(`${c} does not build: ${b.reason} (log: ${b.log})`);
        else if (b.kind === 'build-cancelled' && b.wasRunning) say(`stopped building ${c}: no longer needed`);
        break;
      }
    }
  };
}
