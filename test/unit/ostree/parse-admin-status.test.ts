import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAdminStatus } from '../../../src/ostree/parse-admin-status.js';

const REALWORLD = new URL('../../data/realworld/', import.meta.url);
const sample = (name: string) => readFileSync(new URL(name, REALWORLD), 'utf8');

// `ostree admin status --sysroot=sr` after deploy, deploy --retain, deploy --retain
// --not-as-default and `admin pin 1`, on ostree 2022.7 (captured here; not booted, so no `*`).
const CAPTURED_THREE = `  testos 9caaf0bcf88bf833d2f08d8969e5fcb5f703cbc7318d25f369586c0f80f55acf.0
    Version: 2.0
    origin refspec: local/two
  testos a930f1684733c232d06fc960e21289e2c4de35d1af96525b40b6ae53f238459d.1
    Version: 6
    Pinned: yes
    origin refspec: origin:test/main
  testos a930f1684733c232d06fc960e21289e2c4de35d1af96525b40b6ae53f238459d.0
    Version: 6
    origin refspec: origin:test/main
`;

describe('parseAdminStatus', () => {
  it('reads a captured non-booted sysroot with a pinned deployment', () => {
    const ds = parseAdminStatus(CAPTURED_THREE, '/tmp/sr');
    expect(ds).toHaveLength(3);
    expect(ds[0]).toEqual({
      index: 0,
      stateroot: 'testos',
      checksum: '9caaf0bcf88bf833d2f08d8969e5fcb5f703cbc7318d25f369586c0f80f55acf',
      serial: 0,
      booted: false,
      staged: false,
      pending: false,
      rollback: false,
      pinned: false,
      version: '2.0',
      origin: 'local/two',
      unlocked: null,
      path: '/tmp/sr/ostree/deploy/testos/deploy/9caaf0bcf88bf833d2f08d8969e5fcb5f703cbc7318d25f369586c0f80f55acf.0',
    });
    expect(ds.map((d) => [d.index, d.serial, d.pinned])).toEqual([
      [0, 0, false],
      [1, 1, true],
      [2, 0, false],
    ]);
  });

  it('reads "No deployments."', () => {
    expect(parseAdminStatus('No deployments.\n', '/')).toEqual([]);
  });

  it('reads markers ostree prints on newer versions and booted hosts', () => {
    // Format from ot-admin-builtin-status.c; no published paste with these markers exists.
    const text = `  fedora ${'a'.repeat(64)}.0 (finalization locked) (staged)
    Version: 41.1
    origin refspec: fedora:fedora/41/x86_64/silverblue
* fedora ${'b'.repeat(64)}.0
    Version: 41.0
    origin: none
  fedora ${'c'.repeat(64)}.1 (rollback)
    Version: 40.9
`;
    const ds = parseAdminStatus(text, '/');
    expect(ds.map((d) => [d.staged, d.booted, d.rollback, d.finalizationLocked ?? false])).toEqual([
      [true, false, false, true],
      [false, true, false, false],
      [false, false, true, false],
    ]);
    expect(ds[1]!.origin).toBeNull();
    expect(ds[2]!.path).toBe(`/ostree/deploy/fedora/deploy/${'c'.repeat(64)}.1`);
  });

  it('reads the GPG lines of a real Atomic Host without taking them for anything', () => {
    const [d, ...rest] = parseAdminStatus(sample('ostree-admin-status-gpg-cant-check.txt'), '/');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      booted: true,
      stateroot: 'fedora-atomic',
      checksum: 'a4cfae321d662d84a7b8c59b59678af5eea0d89c9077affa77331c09341a5278',
      version: '29.20181030.0',
      origin: 'fedora-atomic:fedora/29/x86_64/atomic-host',
    });
  });

  it('reads a rollback deployment and a booted one without Version', () => {
    const ds = parseAdminStatus(sample('ostree-admin-status-rollback-gpg-bad.txt'), '/');
    expect(ds.map((d) => [d.booted, d.rollback, d.version])).toEqual([
      [true, false, null],
      [false, true, '34.20210628.0'],
    ]);
  });

  it('reads Unlocked and unknown origins (rpm-ostree layering)', () => {
    const ds = parseAdminStatus(sample('ostree-admin-status-unlocked-unknown-origin.txt'), '/');
    expect(ds[0]).toMatchObject({ booted: true, unlocked: 'development', origin: null });
    expect(ds[1]).toMatchObject({ rollback: true, unlocked: null, origin: null });
    const layered = parseAdminStatus(sample('ostree-admin-status-layered-unknown-origin-2016.txt'), '/');
    expect(layered.map((d) => [d.version, d.origin])).toEqual([
      ['2016.08.30.01', null],
      ['2016.08.28.01', null],
    ]);
  });

  it('reads origins without a remote and the Photon sample', () => {
    const ds = parseAdminStatus(sample('ostree-admin-status-two-deployments-no-remote.txt'), '/');
    expect(ds.map((d) => d.origin)).toEqual(['fedora/24/x86_64/server', 'fedora/24/x86_64/server']);
    const [photon] = parseAdminStatus(sample('ostree-admin-status-photon.txt'), '/');
    expect(photon).toMatchObject({ stateroot: 'photon', version: '1.0_minimal', booted: true });
  });

  it('reads the indented man page example with its short checksums', () => {
    const ds = parseAdminStatus(sample('ostree-admin-status-manpage.txt'), '/');
    expect(ds.map((d) => [d.booted, d.checksum, d.origin])).toEqual([
      [true, '67e382b11d213a402a5313e61cbc69dfd5ab93cb07', 'gnome-ostree/buildmain/x86_64-runtime'],
      [false, 'ce19c41036cc45e49b0cecf6b157523c2105c4de1c', 'gnome-ostree/buildmain/x86_64-runtime'],
    ]);
  });

  it('does not take a hex-looking Version line for a deployment', () => {
    const ds = parseAdminStatus(`  os ${'d'.repeat(64)}.0\n    Version: 20240104.0\n`, '/');
    expect(ds).toHaveLength(1);
    expect(ds[0]!.version).toBe('20240104.0');
  });
});
