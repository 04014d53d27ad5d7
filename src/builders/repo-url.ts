// Paths of an archive-mode ostree repository served over HTTP.

const CHECKSUM = /^[0-9a-f]{64}$/;

export function isChecksum(s: string): boolean {
  return CHECKSUM.test(s);
}

/** `objects/ab/cdef….commit` under the repository URL. */
export function commitObjectUrl(baseUrl: string, checksum: string): string {
  return `${trimSlash(baseUrl)}/objects/${checksum.slice(0, 2)}/${checksum.slice(2)}.commit`;
}

/** `refs/heads/<ref>`; a ref's slashes are directories on the server. */
export function refUrl(baseUrl: string, ref: string): string {
  return `${trimSlash(baseUrl)}/refs/heads/${ref.split('/').map(encodeURIComponent).join('/')}`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
