import path from 'node:path';
import yauzl from 'yauzl';
import { ELF_HEADER_BYTES, elfArchOf, readElfArch } from '../artifacts/elf.js';
import type { Arch } from '../project/project.js';
import { type DetectedFunction, type Detection, relPath } from './detected.js';

// Folders that say where a build went, not what it is: an artifact there is named after the project.
const OUTPUT_DIRS = new Set(['dist', 'build', 'out', 'bin', 'release', 'artifacts', 'deploy', 'lambda']);

/** The name an artifact's folder gives it: the folder's name, or the project's for the root or an output folder. */
function folderName(root: string, dir: string, projectName: string): string {
  return dir === root || OUTPUT_DIRS.has(path.basename(dir).toLowerCase()) ? projectName : path.basename(dir);
}

/**
 * Prebuilt artifacts: a `bootstrap` that is a 64-bit ELF, or a zip with a `bootstrap` at its root
 * (the layout Lambda's provided.al2023 runtime runs). The walk already left out target/ and .svl/,
 * where the detected sources' own builds land.
 */
export async function detectPrebuilt(root: string, projectName: string, bootstraps: string[], zips: string[]): Promise<Detection> {
  const detection: Detection = { functions: [], skipped: [] };
  for (const file of bootstraps) {
    const rel = relPath(root, file);
    const arch = await readElfArch(file).catch(() => null);
    if (arch === null) {
      detection.skipped.push(`skipped ${rel}: not a 64-bit ELF executable`);
      continue;
    }
    if (arch === 'other') {
      detection.skipped.push(`skipped ${rel}: an ELF for neither arm64 nor x86_64, which Lambda does not run`);
      continue;
    }
    const dir = path.dirname(file);
    detection.functions.push(artifactFunction(folderName(root, dir, projectName), rel, arch, 'ELF bootstrap'));
  }
  for (const file of zips) {
    const rel = relPath(root, file);
    const header = await zippedBootstrapHeader(file).catch(() => undefined);
    if (header === undefined) continue; // not a Lambda package: any other zip in a project is none of our business
    const arch = elfArchOf(header);
    if (arch === null || arch === 'other') {
      detection.skipped.push(`skipped ${rel}: its bootstrap is not an arm64 or x86_64 ELF executable`);
      continue;
    }
    const base = path.basename(file).replace(/\.zip$/i, '');
    const name = base === 'bootstrap' ? folderName(root, path.dirname(file), projectName) : base;
    detection.functions.push(artifactFunction(name, rel, arch, 'zip with a bootstrap'));
  }
  return detection;
}

function artifactFunction(name: string, artifact: string, arch: Arch, what: string): DetectedFunction {
  return {
    name,
    qualifier: 'prebuilt',
    kind: 'prebuilt',
    path: path.posix.dirname(artifact),
    arch,
    archFrom: 'its ELF header',
    artifact,
    evidence: `${what} ${artifact}`,
    notes: [],
  };
}

/** The first bytes of the zip's root `bootstrap` entry; undefined when the zip has none (or is no zip). */
function zippedBootstrapHeader(file: string): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      let done = false;
      const finish = (value: Buffer | undefined) => {
        if (done) return;
        done = true;
        zip.close();
        resolve(value);
      };
      zip.on('error', reject);
      zip.on('end', () => finish(undefined));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== 'bootstrap') return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          let length = 0;
          stream.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            length += chunk.length;
            if (length >= ELF_HEADER_BYTES) {
              stream.destroy();
              finish(Buffer.concat(chunks).subarray(0, ELF_HEADER_BYTES));
            }
          });
          stream.on('end', () => finish(Buffer.concat(chunks)));
          stream.on('error', (streamErr) => (done ? undefined : reject(streamErr)));
        });
      });
      zip.readEntry();
    });
  });
}
