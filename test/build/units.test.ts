import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElfArch } from '../../src/artifacts/elf.js';
import { formatBytes, parseSize } from '../../src/artifacts/size-units.js';
import { squarify } from '../../src/artifacts/treemap.js';
import { goPackageOf } from '../../src/toolchains/go.js';
import { withTargetDirLock } from '../../src/toolchains/target-dir-lock.js';
import { demangleLegacy, legacyCrateOf, rustCrateOf, v0CrateOf } from '../../src/toolchains/rust-crates.js';

// Pure helpers behind svl build/size; the end-to-end behaviour is in go.test.ts and rust.test.ts.
describe('size budgets', () => {
  it('reads bytes, SI and IEC units with one parser', () => {
    expect(parseSize(1234)).toBe(1234);
    expect(parseSize('900 kB')).toBe(900_000);
    expect(parseSize('900 KB')).toBe(900_000);
    expect(parseSize('1.5 MB')).toBe(1_500_000);
    expect(parseSize('2 MiB')).toBe(2 * 1024 * 1024);
    expect(parseSize('1 GiB')).toBe(1024 ** 3);
    expect(parseSize('512B')).toBe(512);
    expect(() => parseSize('3 furlongs', 'svl.json size.zip')).toThrow(
      /svl\.json size\.zip: cannot read '3 furlongs' as a size — use bytes or a value like "900 kB"/,
    );
    expect(() => parseSize(0)).toThrow(/positive whole number/);
  });

  it('prints SI sizes, and IEC limits in their own unit', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(487_334)).toBe('487.3 kB');
    expect(formatBytes(2_666_847)).toBe('2.67 MB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB');
  });
});

describe('symbol owners', () => {
  it('attributes Rust symbols to crates the way cargo-bloat does', () => {
    const none = { exported: new Map<string, string>() };
    expect(demangleLegacy('_ZN5tokio7runtime4park16CachedParkThread8block_on17h0123456789abcdefE')).toBe(
      'tokio::runtime::park::CachedParkThread::block_on::h0123456789abcdef',
    );
    expect(rustCrateOf('_ZN5tokio7runtime4park16CachedParkThread8block_on17h0123456789abcdefE.llvm.1234ABCD', none)).toBe('tokio');
    expect(demangleLegacy('_ZN69_$LT$lambda_runtime..Runtime$LT$S$GT$$u20$as$u20$core..fmt..Debug$GT$3fmt17h0123456789abcdefE')).toBe(
      '<lambda_runtime::Runtime<S> as core::fmt::Debug>::fmt::h0123456789abcdef',
    );
    expect(legacyCrateOf('<lambda_runtime::Runtime<S> as core::fmt::Debug>::fmt::h0123456789abcdef')).toBe('lambda_runtime');
    // A bare type parameter names no crate: the trait's does.
    expect(legacyCrateOf('<T as core::fmt::Display>::fmt::h92003a61120a7e1a')).toBe('core');
    // std generics instantiated for another crate's types stay with std, as in cargo-bloat.
    expect(legacyCrateOf('core::ptr::drop_in_place<hyper::proto::h1::conn::Conn<T>>::h0123456789abcdef')).toBe('core');
    // v0: `<str>::trim_matches::<…>` is core's (the impl's own module).
    expect(v0CrateOf('_RINvMNtCsgEmfK2I1SDS_4core3stre12trim_matchesNvMNtNtB5_4char7methodsc13is_whitespaceECsjrHSEGnQ3l9_3std')).toBe('core');
    expect(rustCrateOf('memcpy', none)).toBe('[Unknown]');
    // An rlib's export wins over the name.
    expect(rustCrateOf('memcpy', { exported: new Map([['memcpy', 'compiler_builtins']]) })).toBe('compiler_builtins');
  });

  it('attributes Go symbols to import paths', () => {
    expect(goPackageOf('github.com/aws/aws-lambda-go/lambda.(*Function).Invoke')).toBe('github.com/aws/aws-lambda-go/lambda');
    expect(goPackageOf('runtime.mallocgc')).toBe('runtime');
    expect(goPackageOf('type:*net/http.Request')).toBe('net/http');
    expect(goPackageOf('slices.SortFunc[go.shape.[]net/http.x]')).toBe('slices');
    expect(goPackageOf('go:func.*')).toBe('(go metadata)');
  });
});

describe('treemap', () => {
  it('tiles the whole area, each cell proportional to its weight', () => {
    const items = [500, 250, 125, 60, 40, 25];
    const rects = squarify(items, (n) => n, 300, 200);
    const total = items.reduce((a, b) => a + b, 0);
    for (const r of rects) expect(r.w * r.h).toBeCloseTo((r.item / total) * 300 * 200, 6);
    for (const r of rects) {
      expect(r.x + r.w).toBeLessThanOrEqual(300 + 1e-9);
      expect(r.y + r.h).toBeLessThanOrEqual(200 + 1e-9);
    }
  });
});

describe('ELF arch', () => {
  it('is null for a file that is not a 64-bit ELF', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'svl-elf-')), 'not-elf');
    await writeFile(file, '#!/bin/sh\necho hi\n');
    expect(await readElfArch(file)).toBeNull();
  });
});

describe('shared target dir lock', () => {
  it('gives up on a lock a live process holds with a one-line SvlError naming the lock dir (not a stack trace)', async () => {
    const targetDir = await mkdtemp(path.join(os.tmpdir(), 'svl-lock-'));
    let ran = false;
    // This test process is alive, so its own held lock is never taken over as stale.
    await withTargetDirLock(targetDir, async () => {
      await expect(withTargetDirLock(targetDir, async () => (ran = true), 300)).rejects.toMatchObject({
        name: 'SvlError',
        exitCode: 1,
        message: `timed out waiting for ${path.join(targetDir, '.svl-build.lock')} — remove it if no svl build is running`,
      });
    });
    expect(ran).toBe(false);
    // Released: the next build gets it at once.
    expect(await withTargetDirLock(targetDir, async () => 'built', 300)).toBe('built');
  });

  it('takes over a lock left without a pid by a process that died creating it', async () => {
    const targetDir = await mkdtemp(path.join(os.tmpdir(), 'svl-lock-'));
    const lockDir = path.join(targetDir, '.svl-build.lock');
    await mkdir(lockDir);
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lockDir, longAgo, longAgo);
    expect(await withTargetDirLock(targetDir, async () => 'built', 2_000)).toBe('built');
  });

  it('waits on a lock that is being created right now (no pid yet, fresh)', async () => {
    const targetDir = await mkdtemp(path.join(os.tmpdir(), 'svl-lock-'));
    await mkdir(path.join(targetDir, '.svl-build.lock'));
    await expect(withTargetDirLock(targetDir, async () => 'built', 300)).rejects.toMatchObject({ name: 'SvlError' });
  });
});
