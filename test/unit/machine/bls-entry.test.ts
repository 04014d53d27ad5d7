import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootOrder, kernelArg, parseBlsEntry, parseOstreeBootArg } from '../../../src/machine/bls-entry.js';

const realworld = join(import.meta.dirname, '..', '..', 'data', 'realworld');
const read = (f: string) => readFileSync(join(realworld, f), 'utf8');

describe('parseBlsEntry', () => {
  it('reads an entry ostree wrote on Fedora CoreOS 42', () => {
    const e = parseBlsEntry('ostree-1.conf', read('bls-ostree-1-fcos-42.conf'));
    expect(e.title).toBe('Fedora Linux 42 (Adams) (ostree:1)');
    expect(e.version).toBe('1');
    expect(e.ostree).toBe(
      '/ostree/boot.1/fedora-coreos/126b00a51488ea02ebc861dd33d413eb58f3287fd75646e8d215e46d88f81197/0',
    );
    expect(e.linux).toMatch(/^\/boot\/ostree\/fedora-coreos-126b.*\/vmlinuz-6\.15\.4-200\.fc42\.x86_64$/);
    expect(e.initrd).toMatch(/initramfs-6\.15\.4-200\.fc42\.x86_64\.img$/);
    expect(kernelArg(e.options, 'root')).toBe('UUID=34bfd606-f2cd-43f9-9b54-9e62aec79722');
  });

  it('orders entries as the bootloader does: higher version first', () => {
    const one = parseBlsEntry('ostree-1.conf', read('bls-ostree-1-fcos-42.conf'));
    const two = parseBlsEntry('ostree-2.conf', read('bls-ostree-2-fcos-42.conf'));
    expect(bootOrder([one, two]).map((e) => e.file)).toEqual(['ostree-2.conf', 'ostree-1.conf']);
    expect(bootOrder([two, one]).map((e) => e.file)).toEqual(['ostree-2.conf', 'ostree-1.conf']);
  });

  it('reads the RHEL 10 bootc entry once the annotation columns are stripped', () => {
    const text = read('bls-rhel10-bootc-annotated.txt')
      .split('\n')
      .map((l) => l.replace(/^[* ]\s{0,7}/, ''))
      .join('\n');
    const e = parseBlsEntry('ostree-1-default.conf', text);
    expect(e.version).toBe('1');
    const arg = parseOstreeBootArg(e.ostree!);
    expect(arg).toEqual({
      bootversion: 1,
      stateroot: 'default',
      bootcsum: '0daf2e3947ecc351d2fe1f71e2e2498af74a7fd4be3e007a984092b823b32f47',
      serial: 0,
    });
  });

  it('concatenates repeated options lines and lets the last kernel argument win', () => {
    const e = parseBlsEntry('x.conf', 'options a=1 ostree=/x\noptions a=2\n# comment\ntitle T\n');
    expect(e.options).toBe('a=1 ostree=/x a=2');
    expect(kernelArg(e.options, 'a')).toBe('2');
    expect(e.title).toBe('T');
  });
});

describe('parseOstreeBootArg', () => {
  it('rejects what is not /ostree/boot.N/os/csum/serial', () => {
    expect(parseOstreeBootArg('/ostree/boot.1/os/abc/0')).toBeNull();
    expect(parseOstreeBootArg('/ostree/deploy/os/deploy/x')).toBeNull();
  });
});
