#!/usr/bin/env node
// The registry this project is developed against serves only the platform packages of the
// machine it runs on, so `npm install` writes a package-lock.json without the optional
// platform builds for other systems (@swc/core-darwin-arm64, @nx/nx-win32-x64-msvc, ...).
// `npm ci` then refuses that lockfile everywhere ("Missing: ... from lock file"). This script
// adds the missing entries (version, os, cpu, libc, optional), inferred from the package names,
// which follow the `<os>-<cpu>[-<libc>]` convention. Run it after changing dependencies:
//   npm install && node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const OS = [
  'darwin',
  'linux',
  'win32',
  'freebsd',
  'openbsd',
  'netbsd',
  'android',
  'sunos',
  'aix',
  'openharmony',
];
const CPU = ['x64', 'arm64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'];
const platformOf = (name) => {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  if (!os || !cpu) return undefined;
  const libc = parts.includes('musl')
    ? ['musl']
    : os === 'linux' && parts.includes('gnu')
      ? ['glibc']
      : undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc } : {}) };
};

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
const exact = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** Where Node would find `dep` from the package at `path`, or undefined. */
function resolve(path, dep) {
  let dir = path;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${dep}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? '' : dir.slice(0, cut);
  }
}

let added = 0;
const skipped = [];
for (const [path, meta] of Object.entries(packages)) {
  const optional = meta.optionalDependencies ?? {};
  for (const [dep, range] of Object.entries(optional)) {
    if (resolve(path, dep)) continue;
    const platform = platformOf(dep);
    // A range: take the version of a sibling platform build that did install.
    const sibling = Object.keys(optional)
      .map((d) => resolve(path, d))
      .find((p) => p && packages[p]?.version);
    const version = exact.test(range) ? range : sibling && packages[sibling].version;
    if (!platform || !version) {
      skipped.push(`${dep}@${range} (from ${path || 'the root'})`);
      continue;
    }
    const at = packages[`node_modules/${dep}`]
      ? `${path}/node_modules/${dep}`
      : `node_modules/${dep}`;
    packages[at] = { version, ...platform, optional: true };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
if (skipped.length > 0) console.log(`complete-lockfile: could not infer ${skipped.join(', ')}`);
