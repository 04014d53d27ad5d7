// `ostree remote list -u`: the name padded to the longest name, two spaces, then the URL.
export function parseRemoteList(stdout: string): Array<{ name: string; url: string }> {
  const out: Array<{ name: string; url: string }> = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\S+)\s+(\S.*?)\s*$/.exec(line);
    if (m) out.push({ name: m[1]!, url: m[2]! });
  }
  return out;
}
