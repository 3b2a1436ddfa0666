/**
 * One process per PGlite data directory. PGlite keeps the database in memory and writes it back to
 * its directory; two processes on one directory each overwrite the other's writes while both report
 * success. The store therefore claims the directory with a lock file holding the owner's pid, and
 * refuses a directory another live process holds. A lock whose pid is dead is stale and taken over.
 * @internal
 */
import { TerraConfigurationError } from '../errors.js';

/** The lock file's name, inside the data directory. */
export const LOCK_FILE = 'terra-sdk.lock';

/** The few `node:fs` calls the lock needs. */
interface Fs {
  writeFileSync(path: string, text: string): void;
  linkSync(existing: string, path: string): void;
  readFileSync(path: string, encoding: 'utf8'): string;
  unlinkSync(path: string): void;
  existsSync(path: string): boolean;
}

interface NodeProcess {
  pid: number;
  kill(pid: number, signal: number): boolean;
  once(event: 'exit', listener: () => void): unknown;
  getBuiltinModule?: (id: string) => unknown;
}

/** The PGlite instances this process has locked a directory for, by directory. */
const held = new Map<string, WeakRef<object>>();

function nodeProcess(): NodeProcess | undefined {
  const candidate = (globalThis as { process?: NodeProcess }).process;
  return typeof candidate?.pid === 'number' && typeof candidate.kill === 'function' ? candidate : undefined;
}

/** Whether a process with this pid runs (EPERM: it runs, as another user). */
function alive(proc: NodeProcess, pid: number): boolean {
  try {
    proc.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

function refuse(dir: string, pid: number): TerraConfigurationError {
  return new TerraConfigurationError(
    'db',
    `The PGlite data directory ${dir} is in use by process ${pid}. PGlite serves one process: two processes on one directory silently lose each other's writes. Give each process its own directory, or use PostgreSQL (a pg Pool) for several receivers. (The lock is ${LOCK_FILE} in the directory; it is taken over once process ${pid} has ended.)`,
  );
}

/** Claims `dir` for `owner` (the PGlite instance) in this process, or throws. */
function claim(fs: Fs, proc: NodeProcess, dir: string, owner: object): void {
  const mine = held.get(dir)?.deref();
  if (mine === owner) return;
  if (mine !== undefined)
    throw new TerraConfigurationError(
      'db',
      `The PGlite data directory ${dir} is already open in this process through another PGlite instance: share one instance (and one store) rather than opening the directory twice.`,
    );
  const path = `${dir.replace(/[\\/]+$/, '')}/${LOCK_FILE}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written whole under a name of our own, then linked into place: the lock file is never seen
    // empty or half-written (a reader taking an empty file for a stale one would remove a live lock).
    const draft = `${path}.${proc.pid}`;
    try {
      fs.writeFileSync(draft, `${proc.pid}\n`);
      fs.linkSync(draft, path);
      held.set(dir, new WeakRef(owner));
      proc.once('exit', () => {
        try {
          if (Number.parseInt(fs.readFileSync(path, 'utf8'), 10) === proc.pid) fs.unlinkSync(path);
        } catch {
          // Gone already.
        }
      });
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    } finally {
      try {
        fs.unlinkSync(draft);
      } catch {
        // Never written.
      }
    }
    let pid = Number.NaN;
    try {
      pid = Number.parseInt(fs.readFileSync(path, 'utf8'), 10);
    } catch {
      continue; // removed meanwhile: try again
    }
    if (pid === proc.pid) {
      // Left by this process for an instance that was closed and collected: ours to take.
      held.set(dir, new WeakRef(owner));
      return;
    }
    if (Number.isSafeInteger(pid) && pid > 0 && alive(proc, pid)) throw refuse(dir, pid);
    // Stale (its process ended, or the file is unreadable): remove it and try again.
    try {
      fs.unlinkSync(path);
    } catch {
      // Someone else removed it first.
    }
  }
  throw new TerraConfigurationError('db', `Could not claim the PGlite data directory ${dir} (${LOCK_FILE}).`);
}

/**
 * Claims the PGlite data directory `dir` for `owner` (the PGlite instance) in this process, when the
 * store runs on Node with `process.getBuiltinModule` (PGlite in a browser or in memory has no
 * directory to share). Resolves `true` once claimed, `false` when the directory does not exist yet
 * (PGlite makes it as it starts: call again then).
 * @throws {@link TerraConfigurationError} when another live process holds the directory.
 */
export function lockDataDir(dir: string, owner: object): boolean {
  const proc = nodeProcess();
  const fs = proc?.getBuiltinModule?.('node:fs') as Fs | undefined;
  if (proc === undefined || fs === undefined) return true;
  if (!fs.existsSync(dir)) return false;
  claim(fs, proc, dir, owner);
  return true;
}
