// D1 reports constraint failures as plain errors whose text (or cause) names the constraint.
export function isUniqueViolation(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  return /UNIQUE constraint failed/i.test(text);
}
