import { PGlite } from '@electric-sql/pglite';
const db = await PGlite.create();
await db.query('CREATE TABLE t (k text primary key, v int)');
await db.query('PREPARE p1 (text, int) AS INSERT INTO t VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v RETURNING k');
try { console.log((await db.query('EXECUTE p1($1::text, $2::int)', ['a', 1])).rows); } catch (e) { console.log('param execute failed', (e as Error).message); }
try { console.log((await db.query('EXECUTE p1($1, $2)', ['b', 2])).rows); } catch (e) { console.log('untyped failed', (e as Error).message); }
