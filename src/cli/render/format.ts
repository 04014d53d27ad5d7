/** 2026-11-27 23:15 (UTC): dates in tables are short and unambiguous. */
export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function shortChecksum(c: string): string {
  return c.slice(0, 10);
}
