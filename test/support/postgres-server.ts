/**
 * vitest global setup: a PostgreSQL server for the PostgreSQL half of the store tests
 * (test/connections/support/engines.ts), so a clone with PostgreSQL installed runs all of them.
 *
 * - TERRA_TEST_DATABASE_URL set (by you, or by .ci/run through scripts/postgres.sh): that server is used.
 * - Otherwise, when PostgreSQL's binaries are installed (initdb and pg_ctl on PATH or under
 *   /usr/lib/postgresql/<version>/bin): a throwaway cluster is made in a temporary directory, listening on
 *   127.0.0.1 only, on a free port, owned by `postgres` when running as root, as scripts/postgres.sh does
 *   for CI. It is stopped and removed when the run ends. TERRA_TEST_POSTGRES=off turns this off.
 * - Otherwise: one line says how to run them, and the tests report themselves skipped
 *   (TERRA_REQUIRE_POSTGRES=1 makes that a failure instead).
 *
 * Nothing starts when the run's file filters leave out every test that uses PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The test files that use PostgreSQL, for the filter check. */
const USERS = [
  'test/connections/',
  'test/store/',
  'test/deliveries/',
  'test/cli/deliveries',
  'test/examples/demo.test.ts',
];

export const HOW_TO_RUN =
  'PostgreSQL tests skipped (no server): install PostgreSQL (e.g. `apt-get install postgresql`) and a throwaway ' +
  'cluster starts by itself, or set TERRA_TEST_DATABASE_URL=postgres://user@host:port/db';

/** The folder holding initdb and pg_ctl: PATH first, then Debian's /usr/lib/postgresql/<version>/bin, newest first. */
function findBinaries(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const debian = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a) || b.localeCompare(a))
        .map((version) => join('/usr/lib/postgresql', version, 'bin'))
    : [];
  return [...onPath, ...debian].find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** Whether the file filters given to vitest (paths) can select a test that uses PostgreSQL. */
function runMayUsePostgres(): boolean {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('-') && !['run', 'watch', 'dev'].includes(a));
  // Only path-like filters are judged; anything else (an option's value) could be a filter we cannot read.
  if (args.length === 0 || args.some((a) => !a.includes('/') && !a.endsWith('.ts'))) return true;
  return args.some((filter) => USERS.some((file) => file.includes(filter) || filter.includes(file)));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.TERRA_TEST_DATABASE_URL || !runMayUsePostgres()) return undefined;
  if (process.env.TERRA_TEST_POSTGRES === 'off') {
    process.stderr.write('PostgreSQL tests skipped: TERRA_TEST_POSTGRES=off\n');
    return undefined;
  }
  const bin = findBinaries();
  if (!bin) {
    if (process.env.TERRA_REQUIRE_POSTGRES !== '1') process.stderr.write(`${HOW_TO_RUN}\n`);
    return undefined;
  }
  const root = process.getuid?.() === 0;
  // As root, the cluster belongs to `postgres` (PostgreSQL refuses to run as root).
  const asOwner = (command: string, args: string[]) =>
    root
      ? execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' })
      : execFileSync(command, args, { stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'terra-pg-test-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const stop = () => {
    try {
      asOwner(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Not running (it failed to start, or is already stopped): only the files remain.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (root) {
      const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, id('-u'), id('-g'));
    }
    asOwner(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C']);
    // Loopback only, trust there; the socket stays inside the temporary directory.
    writeFileSync(join(dir, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
    asOwner('cp', [join(dir, 'pg_hba.conf'), join(data, 'pg_hba.conf')]);
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c max_connections=100 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    asOwner(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options, 'start']);
  } catch (error) {
    const { stderr } = error as { stderr?: Buffer };
    stop();
    throw new Error(`could not start a throwaway PostgreSQL from ${bin}: ${stderr?.toString().trim() || error}`);
  }
  process.once('exit', stop);
  // Test workers and the processes they start inherit this.
  process.env.TERRA_TEST_DATABASE_URL = `postgres://postgres@127.0.0.1:${port}/postgres`;
  process.stderr.write(`PostgreSQL tests: a throwaway cluster from ${bin} on 127.0.0.1:${port}\n`);
  return () => {
    process.removeListener('exit', stop);
    stop();
  };
}
