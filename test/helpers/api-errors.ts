import { expect } from "vitest";

export type ErrorBody = {
  error: { code: string; message: string; details: unknown };
  request_id: string;
};

// Checks the status and the code of the error envelope and hands the body back.
export async function expectError(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const body = JSON.parse(text) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.request_id).toEqual(expect.any(String));
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
