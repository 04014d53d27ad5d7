// `ostree --version` and the subcommand lists of `--help`, for feature detection.

export interface OstreeVersion {
  version: string;
  features: string[];
}

/**
 * `ostree --version` prints YAML-ish text:
 *   libostree:
 *    Version: '2022.7'
 *    Features:
 *     - libcurl
 */
export function parseVersion(text: string): OstreeVersion {
  const v = /^\s*Version:\s*'?([^'\s]+)'?\s*$/m.exec(text);
  if (!v) throw new Error(`Cannot find the version in ostree --version output: ${JSON.stringify(text)}`);
  const features: string[] = [];
  let inFeatures = false;
  for (const line of text.split('\n')) {
    if (/^\s*Features:\s*$/.test(line)) inFeatures = true;
    else if (inFeatures) {
      const f = /^\s*-\s+(\S+)/.exec(line);
      if (f) features.push(f[1]!);
      else if (line.trim()) inFeatures = false;
    }
  }
  return { version: v[1]!, features };
}

/** The command names listed under `Builtin "admin" Commands:` (or `Builtin Commands:`) in --help. */
export function parseHelpCommands(help: string): string[] {
  const out: string[] = [];
  let inList = false;
  for (const line of help.split('\n')) {
    if (/^Builtin .*Commands:\s*$/.test(line.trim())) {
      inList = true;
      continue;
    }
    if (!inList) continue;
    if (!line.trim()) {
      if (out.length > 0) break;
      continue;
    }
    const m = /^\s+([a-z][a-z0-9-]*)(\s|$)/.exec(line);
    if (m) out.push(m[1]!);
    else break;
  }
  return out;
}

/** Compares ostree's YEAR.N versions numerically (2022.10 > 2022.7). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export interface Capabilities {
  /** `ostree admin set-default` (2023.6). */
  setDefault: boolean;
  /** `ostree admin status --json` (2025.3). */
  statusJson: boolean;
  /** `ostree admin stateroot-init` and `deploy --stateroot` (2023.6). */
  stateRootInit: boolean;
  /** `ostree admin pin booted` (2024.2). */
  pinBooted: boolean;
}

/**
 * Decides from what the installed ostree lists; the version is the fallback only when a help text
 * could not be parsed (an empty command list). `pin booted` has no help text of its own, so it is
 * decided by version.
 */
export function detectCapabilities(
  version: string,
  adminCommands: readonly string[],
  statusHelp: string,
): Capabilities {
  const atLeast = (v: string) => compareVersions(version, v) >= 0;
  const listed = adminCommands.length > 0;
  return {
    setDefault: listed ? adminCommands.includes('set-default') : atLeast('2023.6'),
    stateRootInit: listed ? adminCommands.includes('stateroot-init') : atLeast('2023.6'),
    statusJson: statusHelp.trim() ? /--json\b/.test(statusHelp) : atLeast('2025.3'),
    pinBooted: atLeast('2024.2'),
  };
}
