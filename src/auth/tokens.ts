import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type { Config } from "../config";
import { ApiError } from "../errors";
import { newId } from "../ids";

const ALGORITHM = "HS256";

export type TokenClaims = {
  workspaceId: string;
  userId: string;
  keyId: string;
  scopes: string[];
};

export type VerifiedToken = TokenClaims & { expiresAt: number };

// Importing the HMAC key costs as much as verifying a token, so each isolate does it once.
const keyCache = new Map<string, Promise<CryptoKey>>();

function signingKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keyCache.set(secret, key);
  }
  return key;
}

export async function issueToken(
  claims: TokenClaims,
  secret: string,
  config: Config,
): Promise<string> {
  return new SignJWT({ wsp: claims.workspaceId, kid: claims.keyId, scope: claims.scopes })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(claims.userId)
    .setIssuer(config.tokenIssuer)
    .setAudience(config.tokenAudience)
    .setIssuedAt()
    .setExpirationTime(`${config.tokenTtlSeconds}s`)
    .setJti(newId("evt").slice(4))
    .sign(await signingKey(secret));
}

export async function verifyToken(
  token: string,
  secret: string,
  config: Config,
): Promise<VerifiedToken> {
  try {
    const { payload } = await jwtVerify(token, await signingKey(secret), {
      algorithms: [ALGORITHM],
      issuer: config.tokenIssuer,
      audience: config.tokenAudience,
      requiredClaims: ["exp", "iat", "sub"],
    });
    const { wsp, kid, scope, sub, exp, iat } = payload;
    // A token issued in the future was not issued by us (a minute of clock skew is allowed).
    if (typeof iat !== "number" || iat > Date.now() / 1000 + 60) {
      throw new ApiError("unauthorized", "Token is invalid");
    }
    const scopesOk = Array.isArray(scope) && scope.every((s) => typeof s === "string");
    if (typeof wsp !== "string" || typeof kid !== "string" || !scopesOk || !sub) {
      throw new ApiError("unauthorized", "Token is missing required claims");
    }
    return {
      workspaceId: wsp,
      keyId: kid,
      userId: sub,
      scopes: scope as string[],
      expiresAt: (exp as number) * 1000,
    };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const expired = err instanceof joseErrors.JWTExpired;
    throw new ApiError("unauthorized", expired ? "Token has expired" : "Token is invalid");
  }
}
