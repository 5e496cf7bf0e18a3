import path from 'node:path';

/**
 * One output layout for both languages. `svl build` writes here, `svl size` and `svl deploy`
 * read from here.
 */
export function buildDir(projectDir: string, name: string): string {
  return path.join(buildRoot(projectDir), name);
}

/** `.svl/build/` of the project root. */
export function buildRoot(projectDir: string): string {
  return path.join(projectDir, '.svl', 'build');
}

export function artifactPaths(projectDir: string, name: string) {
  const dir = buildDir(projectDir, name);
  return {
    dir,
    bootstrap: path.join(dir, 'bootstrap'),
    zip: path.join(dir, 'bootstrap.zip'),
    /** JSON written after a successful build: { arch, language, bytes, zipBytes, zipSha256, sourcesHash, builtAt }. */
    manifest: path.join(dir, 'build.json'),
  };
}

/** Where `svl dev` keeps host builds. */
export function devDir(projectDir: string, name: string): string {
  return path.join(projectDir, '.svl', 'dev', name);
}

/** Where a build writes before it is checked and moved into place: a failed build leaves the last good artifact alone. */
export function stagingDir(projectDir: string, name: string): string {
  return path.join(projectDir, '.svl', 'build', `.${name}.staging`);
}
