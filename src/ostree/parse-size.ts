// Sizes as ostree prints them through GLib's g_format_size(): "989 bytes", "1 byte",
// "921.7 kB" (SI, 1000-based, one decimal), and "KiB"/"MiB" where G_FORMAT_SIZE_IEC_UNITS is used.
// GLib (2.74 on Debian 12) puts a NO-BREAK SPACE (U+00A0) between number and unit, and the decimal
// separator follows LC_NUMERIC; grove runs ostree with LC_ALL=C.UTF-8 so it is always '.'.

const UNITS: Record<string, number> = {
  byte: 1,
  bytes: 1,
  B: 1,
  kB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  PB: 1e15,
  EB: 1e18,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  PiB: 2 ** 50,
  EiB: 2 ** 60,
};

export const SIZE_PATTERN = String.raw`(\d+(?:[.,]\d+)?)[\s\u00a0]*(bytes?|B|[kMGTPE]B|[KMGTPE]iB)`;

/** Bytes from "921.7 kB"; approximate (rounded by ostree) above 1000 bytes. Null when unrecognised. */
export function parseFormattedSize(text: string): number | null {
  const m = new RegExp(`^\\s*${SIZE_PATTERN}\\s*$`).exec(text);
  if (!m) return null;
  const n = Number(m[1]!.replace(',', '.'));
  return Math.round(n * UNITS[m[2]!]!);
}
