/**
 * examples/connections.ts as a user runs it: the table the events leave, on an embedded PGlite.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

it('examples/connections.ts prints the table one person’s connections left, and exits 0', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/connections.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '' },
  });
  const reauth = /^reauth: ([0-9a-f-]{36}) is now ([0-9a-f-]{36})$/m.exec(stdout);
  expect(reauth, stdout).not.toBeNull();
  const [, oldId, newId] = reauth as unknown as [string, string, string];
  const rows = stdout
    .split('\n')
    .filter((line) => /^│ \d/.test(line))
    .map((line) =>
      line
        .split('│')
        .map((cell) => cell.trim().replace(/^'|'$/g, ''))
        .slice(2, 7),
    );
  expect(rows).toEqual([
    [oldId, 'GARMIN', 'disconnected', 'ACTIVITY_EXPORT,HEALTH_EXPORT', newId],
    [
      expect.stringMatching(/^[0-9a-f-]{36}$/),
      'FITBIT',
      'disconnected',
      'activity,heartrate,sleep,nutrition,profile,weight',
      'null',
    ],
    [newId, 'GARMIN', 'active', 'ACTIVITY_EXPORT,HEALTH_EXPORT', 'null'],
  ]);
  expect(stdout).toContain('1 active connection(s): GARMIN');
}, 90_000);
