import { expect } from "vitest";

export type ErrorBody = {
  error: { code: string; message: string; details: unknown };
  request_id: string;
};

// Every error, whatever produced it, has the same envelope and the id it was logged under.
// Checks that, the status and the code, and hands the body back.
export async function expectError(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = JSON.parse(text) as ErrorBody;
  expect(Object.keys(body).sort()).toEqual(["error", "request_id"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "details", "message"]);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(/\S/);
  expect(body.request_id).toMatch(/\S/);
  expect(res.headers.get("X-Request-Id")).toBe(body.request_id);
  return body;
}

// The names of the fields a validation error reports.
export function fieldNames(body: ErrorBody): string[] {
  const details = body.error.details as { fields?: { field: string }[] } | null;
  return (details?.fields ?? []).map((f) => f.field);
}

export async function expectFieldError(
  res: Response,
  status: number,
  code: string,
  ...fields: string[]
) {
  const body = await expectError(res, status, code);
  const names = fieldNames(body);
  for (const field of fields) {
    expect(
      names.some((name) => name === field || name.startsWith(`${field}.`)),
      `${field} in ${names.join(", ")}`,
    ).toBe(true);
  }
  return body;
}
