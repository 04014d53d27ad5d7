// Parses the text of `ostree admin status` (2022.7 has no --json; it arrived in 2025.3).
// Format (ot-admin-builtin-status.c): per deployment a line
//   `[* ] <stateroot> <checksum>.<serial>[ (finalization locked)][ (staged|pending|rollback)]...`
// then indented detail lines: `Version:`, `Unlocked:`, `Pinned: yes`, `origin: none`,
// `origin: <unknown origin type>`, `origin refspec: …`, `` `- `` source title, `GPG: …`.
// The man page example is indented and uses short checksums, so neither is assumed here.
import * as path from 'node:path';
import type { Deployment } from './types.js';

const DEPLOYMENT_LINE = /^\s*(\*|●)?\s*([^\s:]+) ([0-9a-f]{7,64})\.(\d+)((?:\s+\([^)]*\))*)\s*$/;

export function parseAdminStatus(text: string, sysroot: string): Deployment[] {
  const out: Deployment[] = [];
  let current: Deployment | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || line.trim() === 'No deployments.') continue;
    const m = DEPLOYMENT_LINE.exec(line);
    if (m) {
      const [, marker, stateroot, checksum, serial, notes] = m;
      const markers = [...(notes ?? '').matchAll(/\(([^)]*)\)/g)].map((x) => x[1]);
      current = {
        index: out.length,
        stateroot: stateroot!,
        checksum: checksum!,
        serial: Number(serial),
        booted: marker !== undefined,
        staged: markers.includes('staged'),
        pending: markers.includes('pending'),
        rollback: markers.includes('rollback'),
        pinned: false,
        version: null,
        origin: null,
        unlocked: null,
        path: path.join(sysroot, 'ostree', 'deploy', stateroot!, 'deploy', `${checksum}.${serial}`),
      };
      if (markers.includes('finalization locked')) current.finalizationLocked = true;
      out.push(current);
      continue;
    }
    if (!current) continue; // warnings before the first deployment
    const detail = line.trim();
    const kv = /^([A-Za-z][A-Za-z ]*):\s?(.*)$/.exec(detail);
    if (!kv) continue;
    const [, key, value] = kv;
    switch (key) {
      case 'Version':
        current.version = value!;
        break;
      case 'Pinned':
        current.pinned = value === 'yes';
        break;
      case 'Unlocked':
        current.unlocked = value!;
        break;
      case 'origin refspec':
        current.origin = value!;
        break;
      case 'origin': // `none` or `<unknown origin type>` (e.g. rpm-ostree layered)
        current.origin = null;
        break;
    }
  }
  return out;
}
