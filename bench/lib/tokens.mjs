// Mints one bearer token per credential through the real POST /v1/auth/token, so the bench
// sends exactly the tokens a client would, signed with the Worker's own key.
export async function mintTokens(baseUrl, credentials) {
  const tokens = [];
  for (const { apiKey, secret } of credentials) {
    const res = await fetch(`${baseUrl}/v1/auth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ api_key: apiKey, secret }),
    });
    if (res.status !== 200) {
      throw new Error(`token exchange failed: ${res.status} ${await res.text()}`);
    }
    tokens.push((await res.json()).access_token);
  }
  return tokens;
}
