/**
 * What one numbered step of the schema is. Its own file, so that the files defining steps
 * (`data/schema.ts`, `deliveries/sql.ts`, `scopes.ts`) and the list of them (`migrations.ts`, which
 * imports those files) share the type without an import circle.
 * @internal
 */

/** One step of the schema: its version, what it does, and its statements in order. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly statements: readonly string[];
}
