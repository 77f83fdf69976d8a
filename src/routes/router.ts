import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../context";
import { validationHook } from "./validation-hook";

// Every resource router shares the validation hook, so each bad field reaches the envelope.
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
