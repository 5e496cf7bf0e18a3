import { readdir } from 'node:fs/promises';
import path from 'node:path';

// Folders that hold dependencies, VCS data or build outputs, never sources to adopt. target/ and
// .svl/ hold the build outputs of the sources the detectors find; a bootstrap there is not a
// prebuilt artifact of its own.
const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'vendor', 'target', '.svl', '.cache']);

/** The files the detectors look at, absolute, sorted shallowest first. */
export interface ProjectFiles {
  cargoManifests: string[];
  goModules: string[];
  bootstraps: string[];
  zips: string[];
}

/** True when a relative path passes through a folder the walk skips (go list reports packages there). */
export function inSkippedDir(rel: string): boolean {
  return rel.split(/[\\/]/).some((segment) => SKIPPED_DIRS.has(segment) || (segment.startsWith('.') && segment !== '.'));
}

/** Walks `root` (no symlinks, no hidden or skipped folders) and collects the files detectors read. */
export async function walkProject(root: string): Promise<ProjectFiles> {
  const found: ProjectFiles = { cargoManifests: [], goModules: [], bootstraps: [], zips: [] };
  const queue = [root];
  // Breadth-first, so a workspace's root Cargo.toml comes before its members'.
  while (queue.length > 0) {
    const dir = queue.shift()!;
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) queue.push(file);
      } else if (e.isFile()) {
        if (e.name === 'Cargo.toml') found.cargoManifests.push(file);
        else if (e.name === 'go.mod') found.goModules.push(file);
        else if (e.name === 'bootstrap') found.bootstraps.push(file);
        else if (e.name.toLowerCase().endsWith('.zip')) found.zips.push(file);
      }
    }
  }
  return found;
}
