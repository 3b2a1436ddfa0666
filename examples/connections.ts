/**
 * Keeping Terra's connections table with terra-sdk/connections: a webhook receiver (terra-sdk/node)
 * whose handler applies every event to the store, fed by a local Terra sandbox while one person
 * connects two providers, reconnects one and removes the other. Prints the table.
 *
 *   npx tsx examples/connections.ts                          # PGlite, in memory
 *   DATABASE_URL=postgres://... npx tsx examples/connections.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { type ConnectionStoreDatabase, createConnectionStore } from 'terra-sdk/connections';
import { terraWebhook } from 'terra-sdk/node';
import { startSandbox } from 'terra-sdk/sandbox';
import { createWebhookHandler } from 'terra-sdk/webhooks';

const SECRET = 'example-signing-secret';

// 1. The store, on PostgreSQL when DATABASE_URL names one, else on PGlite in this process.
const db: ConnectionStoreDatabase & { end?: () => Promise<void>; close?: () => Promise<void> } = process.env
  .DATABASE_URL
  ? new pg.Pool({ connectionString: process.env.DATABASE_URL })
  : await PGlite.create();
const store = createConnectionStore({ db });
await store.migrate();

// 2. The receiver: each verified event is applied to the store (once per trace id), then the listeners run.
const handler = createWebhookHandler({ secret: SECRET, store })
  .on('user_reauth', (event) => {
    console.log(`reauth: ${event.old_user?.user_id ?? 'unknown'} is now ${event.new_user.user_id}`);
  })
  .on('connection_error', (event) => console.log(`ask ${event.user.reference_id} to reconnect`));
const receiver = createServer(terraWebhook(handler));
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/terra`;

// 3. Terra's side: a sandbox that signs and POSTs every event to the receiver.
const sandbox = await startSandbox({ webhookUrl, secret: SECRET });
const terra = sandbox.emulator;
terra.connect({ provider: 'GARMIN', referenceId: 'person-1' }); // auth
terra.connect({ provider: 'FITBIT', referenceId: 'person-1' }); // auth
terra.reauthenticate({ provider: 'GARMIN', referenceId: 'person-1' }); // auth + user_reauth: a new user id
terra.disconnect({ provider: 'FITBIT', referenceId: 'person-1' }); // deauth
await sandbox.idle(); // every webhook delivered

// 4. What the events said.
const rows = await store.connectionsFor('person-1');
console.table(
  rows.map((row) => ({
    terra_user_id: row.terra_user_id,
    provider: row.provider,
    status: row.status,
    scopes: row.scopes?.join(','),
    replaced_by: row.replaced_by,
  })),
);
const active = await store.activeConnections();
console.log(`${active.length} active connection(s): ${active.map((row) => row.provider).join(', ')}`);

await sandbox.close();
await new Promise((resolve) => receiver.close(resolve));
await (db.end?.() ?? db.close?.());
