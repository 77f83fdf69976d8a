import { bearerToken, json, type PlatformStandin, parseJson, type StandinRequest } from "./types";

const FIRST_SHARE_ID = 7300000000000000001n;

const error = (status: number, code: string, message: string) =>
  json(status, { status, code, message });

// The checks the Posts API documents for every call: token, version and Rest.li protocol.
function headerProblem(headers: Headers): Response | null {
  if (!bearerToken(headers)) return error(401, "INVALID_ACCESS_TOKEN", "Invalid access token");
  if (!/^\d{6}$/.test(headers.get("linkedin-version") ?? "")) {
    return error(
      400,
      "VERSION_MISSING",
      "A version must be present in the LinkedIn-Version header",
    );
  }
  if (headers.get("x-restli-protocol-version") !== "2.0.0") {
    return error(400, "INVALID_PROTOCOL", "X-Restli-Protocol-Version must be 2.0.0");
  }
  return null;
}

function bodyProblem(body: Record<string, unknown> | null): string | null {
  if (!body) return "Body must be JSON";
  if (!/^urn:li:(person|organization):/.test(String(body.author))) return "Invalid author";
  if (typeof body.commentary !== "string") return "commentary is required";
  if (body.visibility !== "PUBLIC") return "visibility must be PUBLIC";
  if (body.lifecycleState !== "PUBLISHED") return "lifecycleState must be PUBLISHED";
  const distribution = body.distribution as Record<string, unknown> | undefined;
  if (distribution?.feedDistribution !== "MAIN_FEED") return "distribution is required";
  return null;
}

export function createLinkedinStandin(): PlatformStandin & { posts: Map<string, string> } {
  const posts = new Map<string, string>();
  let next = FIRST_SHARE_ID;

  function create(request: StandinRequest): Response {
    const body = parseJson(request.body);
    const problem = bodyProblem(body);
    if (problem) return error(422, "UNPROCESSABLE_ENTITY", problem);
    const urn = `urn:li:share:${next++}`;
    posts.set(urn, String(body?.commentary));
    return new Response(null, { status: 201, headers: { "x-restli-id": urn } });
  }

  return {
    posts,
    handle(request) {
      const problem = headerProblem(request.headers);
      if (problem) return problem;
      if (request.method === "POST" && request.path === "/rest/posts") return create(request);
      const social = /^\/rest\/socialActions\/([^/]+)$/.exec(request.path);
      if (request.method === "GET" && social?.[1]) {
        if (!posts.has(decodeURIComponent(social[1]))) return error(404, "NOT_FOUND", "No post");
        return json(200, {
          likesSummary: { totalLikes: 5 },
          commentsSummary: { totalFirstLevelComments: 2, aggregatedTotalComments: 3 },
        });
      }
      return error(404, "NOT_FOUND", `No LinkedIn route for ${request.path}`);
    },
  };
}
