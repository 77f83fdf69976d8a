// The baseline: the list response's bytes with no Hono, auth, rate limiter or D1, so the
// bench can tell the API's own cost per request from the runtime's and the network's.
// The bench PUTs a real GET /v1/content body first, so both responses are the same size.
let body = "{}";

export default {
  async fetch(request) {
    if (request.method === "PUT") {
      body = await request.text();
      return new Response(null, { status: 204 });
    }
    return new Response(body, { headers: { "Content-Type": "application/json" } });
  },
};
