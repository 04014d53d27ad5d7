import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  detectCapabilities,
  parseHelpCommands,
  parseVersion,
} from '../../../src/ostree/parse-version.js';

// `ostree --version` on Debian 12 (2022.7), captured here.
const VERSION_2022_7 = `libostree:
 Version: '2022.7'
 Features:
  - libcurl
  - libsoup
  - gpgme
  - ex-fsverity
  - libarchive
  - selinux
  - avahi
  - libmount
  - systemd
  - release
  - p2p
`;

// `ostree admin --help` on 2022.7, captured here.
const ADMIN_HELP_2022_7 = `Usage:
  ostree admin [OPTION…] --print-current-dir|COMMAND

Commands for managing a host system booted with ostree

Builtin "admin" Commands:
  cleanup            Delete untagged deployments and repository objects
  config-diff        Diff current /etc configuration versus default
  deploy             Checkout revision REFSPEC as the new default deployment
  init-fs            Initialize a root filesystem
  os-init            Initialize empty state for given operating system
  pin                Change the "pinning" state of a deployment
  set-origin         Set Origin and create a new origin file
  status             List deployments
  switch             Construct new tree from REFSPEC and deploy it
  undeploy           Delete deployment INDEX
  unlock             Make the current deployment mutable (as a hotfix or development)
  upgrade            Construct new tree from current origin and deploy it, if it changed
  kargs              Change kernel arguments

Help Options:
  -h, --help         Show help options

Application Options:
  --sysroot=PATH     Create a new OSTree sysroot at PATH
  -v, --verbose      Print debug information during command processing
  --version          Print version information and exit
`;

// `ostree admin status --help` on 2022.7, captured here.
const STATUS_HELP_2022_7 = `Usage:
  ostree admin status [OPTION…]

List deployments

Help Options:
  -h, --help         Show help options

Application Options:
  --sysroot=PATH     Create a new OSTree sysroot at PATH
  -V, --verify       Print the commit verification status
  -v, --verbose      Print debug information during command processing
  --version          Print version information and exit
`;

describe('parseVersion', () => {
  it('reads version and features of 2022.7', () => {
    const v = parseVersion(VERSION_2022_7);
    expect(v.version).toBe('2022.7');
    expect(v.features).toContain('libcurl');
    expect(v.features).toHaveLength(11);
  });

  it('reads an unquoted version (older releases)', () => {
    expect(parseVersion('libostree:\n Version: 2018.8\n Git: abc\n Features:\n  - libcurl\n')).toEqual({
      version: '2018.8',
      features: ['libcurl'],
    });
  });

  it('fails on anything else', () => {
    expect(() => parseVersion('bash: ostree: command not found')).toThrow(/version/);
  });
});

describe('parseHelpCommands', () => {
  it('lists the admin subcommands of 2022.7', () => {
    const cmds = parseHelpCommands(ADMIN_HELP_2022_7);
    expect(cmds).toContain('undeploy');
    expect(cmds).toContain('kargs');
    expect(cmds).not.toContain('set-default');
    expect(cmds).toHaveLength(13);
  });
});

describe('compareVersions', () => {
  it('compares numerically', () => {
    expect(compareVersions('2022.10', '2022.7')).toBe(1);
    expect(compareVersions('2023.6', '2023.6')).toBe(0);
    expect(compareVersions('2022.7', '2023.6')).toBe(-1);
  });
});

describe('detectCapabilities', () => {
  it('finds none of the newer features on 2022.7', () => {
    expect(detectCapabilities('2022.7', parseHelpCommands(ADMIN_HELP_2022_7), STATUS_HELP_2022_7)).toEqual({
      setDefault: false,
      statusJson: false,
      stateRootInit: false,
      pinBooted: false,
    });
  });

  it('trusts the listed commands over the version', () => {
    const caps = detectCapabilities(
      '2025.6',
      [...parseHelpCommands(ADMIN_HELP_2022_7), 'set-default', 'stateroot-init'],
      STATUS_HELP_2022_7 + '  --json             Output JSON\n',
    );
    expect(caps).toEqual({ setDefault: true, statusJson: true, stateRootInit: true, pinBooted: true });
  });

  it('falls back to the version when help cannot be read', () => {
    expect(detectCapabilities('2023.6', [], '')).toEqual({
      setDefault: true,
      statusJson: false,
      stateRootInit: true,
      pinBooted: false,
    });
  });
});
