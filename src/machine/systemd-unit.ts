// The oneshot unit that carries `grove bisect run` across reboots, generated from code, and the
// systemctl-backed installer. On every boot, once the network is up, the unit runs
// `grove --sysroot / bisect run --continue`, which judges the booted tree, deploys the next one
// and reboots; the last step removes the unit.
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../process/run.js';
import type { UnitInstaller } from './unit-installer.js';

export const RUN_UNIT_NAME = 'grove-bisect-run.service';
export const PREFETCH_UNIT_NAME = 'grove-bisect-prefetch.service';

export interface SystemdUnit {
  name: string;
  text: string;
}

export interface RunUnitOptions {
  /** Absolute path of the node binary. */
  node: string;
  /** Absolute path of grove's entry script (dist/src/index.js). */
  grove: string;
  /** The state file the unit needs (as seen from the booted system): no state, no run. */
  stateFile?: string;
}

export function runUnit(opts: RunUnitOptions): SystemdUnit {
  return unit(RUN_UNIT_NAME, opts, {
    writtenBy: 'grove bisect run; removed when the bisection ends',
    description: 'judge the booted tree and boot the next candidate (unattended bisection)',
    command: ['bisect', 'run', '--continue'],
    // A test can run long; its own --timeout bounds it, not systemd's start timeout.
    type: 'oneshot',
    service: ['TimeoutStartSec=infinity', 'StandardOutput=journal+console', 'StandardError=journal+console'],
  });
}

/**
 * A bisection by hand on a host: the reboot into a candidate ends the background pull grove
 * started after the verdict. On every boot, once the network is up, this unit starts it again
 * (`grove bisect prefetch --after-boot`: it pulls and deploys ahead the candidates that can come
 * next while the user tests). Installed at `bisect start`; later trees inherit it through
 * ostree's /etc merge; removed at reset; inert without a state file.
 */
export function prefetchUnit(opts: RunUnitOptions): SystemdUnit {
  return unit(PREFETCH_UNIT_NAME, opts, {
    writtenBy: 'grove bisect start; removed by grove bisect reset',
    description: 'fetch the candidates that can come next (bisection by hand)',
    command: ['bisect', 'prefetch', '--after-boot'],
    // Background work: nothing waits for it to finish.
    type: 'exec',
    service: ['Nice=10'],
  });
}

/** What both units share: absolute paths, after the network (candidates come from the build server). */
function unit(
  name: string,
  opts: RunUnitOptions,
  what: { writtenBy: string; description: string; command: string[]; type: string; service: string[] },
): SystemdUnit {
  for (const [label, p] of [
    ['node', opts.node],
    ['grove', opts.grove],
  ] as const) {
    if (!p.startsWith('/')) throw new Error(`the unit needs an absolute path for ${label}, got ${p}`);
  }
  const exec = [opts.node, opts.grove, '--sysroot', '/', ...what.command];
  const lines = [
    `# Written by ${what.writtenBy}. Do not edit.`,
    '[Unit]',
    `Description=grove: ${what.description}`,
    'After=network-online.target',
    'Wants=network-online.target',
    ...(opts.stateFile ? [`ConditionPathExists=${escapeUnitValue(opts.stateFile)}`] : []),
    '',
    '[Service]',
    `Type=${what.type}`,
    `ExecStart=${exec.map(quoteExecArg).join(' ')}`,
    ...what.service,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return { name, text: lines.join('\n') };
}

/** `%` starts a specifier in every unit value; double it. */
function escapeUnitValue(v: string): string {
  return v.replace(/%/g, '%%');
}

/**
 * One ExecStart= word: specifiers and `$` escaped, and quoted (systemd's C-style rules) when it
 * holds whitespace, quotes or backslashes.
 */
export function quoteExecArg(arg: string): string {
  const v = escapeUnitValue(arg).replace(/\$/g, '$$$$');
  if (v !== '' && !/[\s"'\\;]/.test(v)) return v;
  const escaped = v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return `"${escaped}"`;
}

/**
 * The real installer: `systemctl enable` on the running system (root `/`), and
 * `systemctl --root=DIR enable` on a tree in a directory (it only writes symlinks, no systemd
 * needs to run there).
 */
export class SystemctlUnits implements UnitInstaller {
  async install(root: string, unit: SystemdUnit): Promise<void> {
    const dir = join(root, 'etc', 'systemd', 'system');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, unit.name), unit.text, { mode: 0o644 });
    if (root === '/') {
      await systemctl(['daemon-reload']);
      await systemctl(['enable', unit.name]);
    } else await systemctl([`--root=${root}`, 'enable', unit.name]);
  }

  async remove(root: string, name: string): Promise<boolean> {
    const file = join(root, 'etc', 'systemd', 'system', name);
    const present = await access(file).then(
      () => true,
      () => false,
    );
    if (!present) return false;
    await systemctl(root === '/' ? ['disable', name] : [`--root=${root}`, 'disable', name]);
    await rm(file, { force: true });
    if (root === '/') await systemctl(['daemon-reload']);
    return true;
  }
}

async function systemctl(args: string[]): Promise<void> {
  await run(['systemctl', ...args], { debianPackage: 'systemd' });
}
