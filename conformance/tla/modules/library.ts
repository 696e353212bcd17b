/**
 * The library path: where modules are looked for that are neither beside the spec nor among
 * the standard modules, as TLC's `-DTLA-Library` (and its class path) provides them. TLC users
 * have the CommunityModules (`Functions`, `SequencesExt`, `FiniteSetsExt`, ...) on the class
 * path: the Toolbox and the VS Code extension ship them, so published specs extend them freely.
 *
 * Entries come from `TLA_LIBRARY` (separated like PATH); when it is unset, the
 * `CommunityModules.jar` beside `TLA2TOOLS_JAR`, if there is one. An entry is a folder of
 * `.tla` files, or a jar (a zip) whose `.tla` files are extracted once into a cache folder
 * named by the jar's path, size and time, so that modules from it have a file, a line and a
 * column like any other (error messages quote their source).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { unzipSync } from 'fflate';

/** The library entries the environment names; see the module comment. */
export function libraryPathFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.TLA_LIBRARY !== undefined)
    return env.TLA_LIBRARY.split(delimiter).filter((p) => p !== '');
  if (env.TLA2TOOLS_JAR) {
    const beside = join(dirname(env.TLA2TOOLS_JAR), 'CommunityModules.jar');
    if (existsSync(beside)) return [beside];
  }
  return [];
}

/** The folders to search for the library path `entries`: folders as they are, jars extracted. */
export function libraryFolders(entries: readonly string[] = libraryPathFromEnv()): string[] {
  return entries.flatMap((entry) => {
    const path = resolve(entry);
    if (!existsSync(path)) return [];
    return statSync(path).isDirectory() ? [path] : [extractedJar(path)];
  });
}

const extracted = new Map<string, string>();

/** The folder holding the `.tla` files of the jar at `path`, extracting them the first time. */
function extractedJar(path: string): string {
  const stat = statSync(path);
  const key = createHash('sha256')
    .update(`${path}\n${stat.size}\n${stat.mtimeMs}`)
    .digest('hex')
    .slice(0, 16);
  const known = extracted.get(key);
  if (known) return known;
  const folder = join(tmpdir(), 'timelock-tla-library', `${basename(path, '.jar')}-${key}`);
  if (!existsSync(folder)) {
    // Extract beside the final folder and rename, so that a concurrent run never sees half.
    const partial = `${folder}.${process.pid}.partial`;
    mkdirSync(partial, { recursive: true });
    const files = unzipSync(readFileSync(path), {
      filter: (f) => f.name.endsWith('.tla') && !f.name.includes('/'),
    });
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(partial, name), bytes);
    try {
      renameSync(partial, folder);
    } catch {
      if (!existsSync(folder))
        throw new Error(`cannot extract the modules of ${path} to ${folder}`);
    }
  }
  extracted.set(key, folder);
  return folder;
}
