// Boot Loader Specification entries as ostree writes them (boot/loader/entries/ostree-N-OS.conf).
// Pure parsing; reading the files is the sandbox's job.

export interface BlsEntry {
  /** File name, e.g. ostree-1-fedora.conf */
  file: string;
  title: string | null;
  /** ostree writes a number; higher = earlier in the menu (index 0 is the highest). */
  version: string | null;
  options: string;
  linux: string | null;
  initrd: string | null;
  /** The ostree= kernel argument: /ostree/boot.N/<os>/<bootcsum>/<serial>. */
  ostree: string | null;
}

export function parseBlsEntry(file: string, text: string): BlsEntry {
  const keys = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+)\s*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    // First occurrence wins except for options, which may repeat and then concatenate (BLS spec).
    const key = m[1];
    const value = (m[2] ?? '').trim();
    if (key === 'options' && keys.has('options')) keys.set('options', `${keys.get('options')} ${value}`);
    else if (!keys.has(key)) keys.set(key, value);
  }
  const options = keys.get('options') ?? '';
  return {
    file,
    title: keys.get('title') ?? null,
    version: keys.get('version') ?? null,
    options,
    linux: keys.get('linux') ?? null,
    initrd: keys.get('initrd') ?? null,
    ostree: kernelArg(options, 'ostree'),
  };
}

/** The value of NAME=VALUE in a kernel command line (last one wins, as the kernel does). */
export function kernelArg(options: string, name: string): string | null {
  let found: string | null = null;
  for (const word of options.split(/\s+/)) {
    if (word.startsWith(`${name}=`)) found = word.slice(name.length + 1);
  }
  return found;
}

/** Menu order as a bootloader shows it: ostree numbers entries so that a higher version comes first. */
export function bootOrder(entries: BlsEntry[]): BlsEntry[] {
  return [...entries].sort(
    (a, b) => compareVersionDesc(a.version, b.version) || a.file.localeCompare(b.file),
  );
}

function compareVersionDesc(a: string | null, b: string | null): number {
  const na = a === null ? -Infinity : Number(a);
  const nb = b === null ? -Infinity : Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return nb - na;
  return (b ?? '').localeCompare(a ?? '', undefined, { numeric: true });
}

export interface OstreeBootArg {
  bootversion: number;
  stateroot: string;
  bootcsum: string;
  serial: number;
}

/** Splits /ostree/boot.N/<os>/<bootcsum>/<serial>. */
export function parseOstreeBootArg(arg: string): OstreeBootArg | null {
  const m = /^\/ostree\/boot\.(\d+)\/([^/]+)\/([0-9a-f]{64})\/(\d+)$/.exec(arg);
  if (!m) return null;
  return { bootversion: Number(m[1]), stateroot: m[2]!, bootcsum: m[3]!, serial: Number(m[4]) };
}
