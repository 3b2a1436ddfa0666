/**
 * `terra-sdk doctor --database-url <url> [--fix]`: the connections table against Terra's users
 * (`store.reconcile`), plus the deliveries that need a person (dead, failed) and the hours Terra's
 * healthcheck says deliveries went missing. Credentials come from the environment.
 * @internal
 * @packageDocumentation
 */
import { Terra } from '../client.js';
import { TerraError } from '../errors.js';
import { parseArgs } from './args.js';
import { openStore } from './deliveries.js';
import { type CliIO, EXIT } from './io.js';

const OPTIONS = { 'database-url': 'string', fix: 'boolean', json: 'boolean', help: 'boolean' } as const;

export const DOCTOR_HELP = `Usage: terra-sdk doctor --database-url <url> [--fix] [--json]

Compares the connection store's terra_connections with Terra's own list of users (/subscriptions)
and prints what lost webhooks left wrong:
  missing      Terra has the connection, the table does not (a missed auth)
  zombies      active in the table, unknown or inactive at Terra (a missed deauth)
  mismatched   provider or reference id differ
and the durable deliveries that are dead or failed, and the hours in the last day in which
Terra's healthcheck says it sent more deliveries than arrived.

Options:
  --database-url <url> postgres://user:password@host:5432/db (default: DATABASE_URL)
  --fix                Repair the differences (idempotent: a second run finds nothing)
  --json               Print the report as JSON
  -h, --help           Show this help

Environment: TERRA_API_KEY, TERRA_DEV_ID (and TERRA_BASE_URL for a sandbox).
Exit codes: 0 nothing wrong (or all fixed), 1 differences found or the check failed, 2 usage.`;

/** Runs `terra-sdk doctor`. */
export async function doctor(argv: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseArgs(argv, OPTIONS);
  if (values.help) {
    io.out(DOCTOR_HELP);
    return EXIT.ok;
  }
  const { store, close } = await openStore(values, io);
  try {
    const terra = new Terra({
      apiKey: io.env.TERRA_API_KEY,
      devId: io.env.TERRA_DEV_ID,
      baseUrl: io.env.TERRA_BASE_URL || undefined,
    });
    const report = await store.reconcile(terra, { fix: values.fix === true });
    const stuck = await store.deliveries({ status: ['dead', 'failed'], limit: 10_000 });
    const gaps = await store.deliveryHealth({ hours: 24 });
    const found = report.missing.length + report.zombies.length + report.mismatched.length;
    if (values.json) {
      io.out(
        JSON.stringify({
          ...report,
          dead: stuck.filter((d) => d.status === 'dead').length,
          failed: stuck.filter((d) => d.status === 'failed').length,
          missingDeliveries: gaps,
        }),
      );
    } else {
      io.out(`Terra lists ${report.counted.terra} users; terra_connections has ${report.counted.table} rows.`);
      for (const m of report.missing)
        io.out(
          `missing     ${m.terraUserId}  ${m.provider ?? '-'}  reference=${m.referenceId ?? '-'}${report.fixed ? '  (added)' : ''}`,
        );
      for (const z of report.zombies)
        io.out(
          `zombie      ${z.terraUserId}  ${z.provider ?? '-'}  ${z.reason}${report.fixed ? '  (disconnected)' : ''}`,
        );
      for (const m of report.mismatched)
        io.out(
          `mismatched  ${m.terraUserId}  provider ${m.tableProvider ?? '-'} -> ${m.provider ?? '-'}, reference ${m.tableReferenceId ?? '-'} -> ${m.referenceId ?? '-'}${report.fixed ? '  (fixed)' : ''}`,
        );
      if (found === 0) io.out('The table agrees with Terra.');
      else if (!report.fixed) io.out(`${found} difference${found === 1 ? '' : 's'}: run again with --fix to repair.`);
      io.out(
        `Deliveries: ${stuck.filter((d) => d.status === 'dead').length} dead, ${stuck.filter((d) => d.status === 'failed').length} failed (terra-sdk deliveries list --status dead,failed).`,
      );
      for (const gap of gaps)
        io.out(
          `Missing deliveries: Terra sent ${gap.sent} in the hour before ${gap.checkedAt.toISOString()}, ${gap.received} arrived.`,
        );
    }
    return found > 0 && !report.fixed ? EXIT.failed : EXIT.ok;
  } catch (error) {
    io.err(
      `terra-sdk doctor: ${error instanceof TerraError || error instanceof Error ? error.message : String(error)}`,
    );
    return EXIT.failed;
  } finally {
    await close();
  }
}
