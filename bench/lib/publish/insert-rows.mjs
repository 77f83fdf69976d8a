// Inserts many rows with few statements: multi-row INSERTs of at most 100 bound values (D1's
// limit per statement), sent in batches so each round trip carries many of them.
const MAX_BINDS = 100;
const STATEMENTS_PER_BATCH = 50;

export async function insertRows(db, table, columns, rows) {
  const perStatement = Math.floor(MAX_BINDS / columns.length);
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const statements = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const part = rows.slice(i, i + perStatement);
    const values = part.map(() => tuple).join(", ");
    const sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values}`;
    statements.push(db.prepare(sql).bind(...part.flat()));
  }
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_BATCH) {
    await db.batch(statements.slice(i, i + STATEMENTS_PER_BATCH));
  }
}
