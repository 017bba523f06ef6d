/**
 * SQLite's and PostgreSQL's ways of saying "unique constraint violated" (a primary key
 * included: PostgreSQL's 23505 covers both).
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}
