/**
 * `terra-sdk trigger` against hostile endpoints: a URL with a password in it is never printed, and
 * an error answer of any size is read only as far as what is shown.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../cli/support.js';
import { close, listen } from '../support/loopback.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await close(server);
  }
});

async function endpoint(handle: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handle);
  servers.push(server);
  return listen(server);
}

/** An answer of 64 MiB of `a`, written as fast as the client reads it; `written()` counts what went out. */
function endlessAnswer(status: number, type: string) {
  let written = 0;
  return {
    written: () => written,
    handle(req: IncomingMessage, res: ServerResponse) {
      req.resume();
      res.writeHead(status, { 'content-type': type });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const more = () => {
        while (written < 64 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (written >= 64 * 1024 * 1024) res.end();
      };
      res.on('drain', more);
      more();
    },
  };
}

describe('terra-sdk trigger', () => {
  it('never prints the credentials of --url, and sends them as Basic auth', async () => {
    const seen: IncomingMessage['headers'][] = [];
    const base = await endpoint((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.end('{"received":true}'));
    });
    const url = base.replace('http://', 'http://hook-user:PASS-9f8e7d@');
    const ok = await cli(['trigger', 'activity', '--url', `${url}/hook?token=tok-5a4b`, '--secret', 's']);
    expect(ok.code).toBe(0);
    expect(`${ok.stdout}${ok.stderr}`).not.toMatch(/PASS-9f8e7d|tok-5a4b/);
    expect(ok.stdout).toContain('http://***@127.0.0.1');
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('hook-user:PASS-9f8e7d').toString('base64')}`);

    const refused = await cli([
      'trigger',
      'activity',
      '--url',
      'http://u:PASS-9f8e7d@127.0.0.1:9/hook',
      '--secret',
      's',
    ]);
    expect(refused.code).toBe(1);
    expect(`${refused.stdout}${refused.stderr}`).not.toContain('PASS-9f8e7d');
  });

  it('reads no more of an error answer than the 300 characters it shows', async () => {
    const endless = endlessAnswer(500, 'text/plain');
    const base = await endpoint(endless.handle);
    const run = await cli(['trigger', 'activity', '--url', `${base}/hook`, '--secret', 's']);
    expect(run.code).toBe(1);
    const shown = /Your endpoint answered: (a+)/.exec(run.stderr)?.[1];
    expect(shown).toHaveLength(300);
    // The client stopped reading: of the 64 MiB on offer, only what fit in the socket buffers went out.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(endless.written()).toBeLessThan(8 * 1024 * 1024);
  });
});

describe('terra-sdk sandbox control commands', () => {
  it('never print the credentials of --url, send them as Basic auth, and read at most 1 MiB of an answer', async () => {
    const seen: IncomingMessage['headers'][] = [];
    // Not a sandbox: an endless answer that is not JSON.
    const endless = endlessAnswer(200, 'application/json');
    const base = await endpoint((req, res) => {
      seen.push(req.headers);
      endless.handle(req, res);
    });
    const url = base.replace('http://', 'http://ctl-user:PASS-1a2b3c@');
    const run = await cli(['sandbox', 'connections', '--url', `${url}/?key=tok-6c7d`]);
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/PASS-1a2b3c|tok-6c7d/);
    expect(run.stderr).toContain('http://***@127.0.0.1');
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('ctl-user:PASS-1a2b3c').toString('base64')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(endless.written()).toBeLessThan(8 * 1024 * 1024);
  });
});
