import { bearerToken, json, type PlatformStandin, parseJson, type StandinRequest } from "./types";

const FIRST_SHARE_ID = 7300000000000000001n;
const AUTHOR_URN = /^urn:li:(person|organization):/;

type LinkedinPost = { id: string; author: string; commentary: string; createdAt: number };

export type LinkedinStandin = PlatformStandin & {
  // Newest first.
  posts: LinkedinPost[];
  // Stamps createdAt; tests set it to the `now` their publish context uses.
  now: () => number;
};

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
  if (!AUTHOR_URN.test(String(body.author))) return "Invalid author";
  if (typeof body.commentary !== "string") return "commentary is required";
  if (body.visibility !== "PUBLIC") return "visibility must be PUBLIC";
  if (body.lifecycleState !== "PUBLISHED") return "lifecycleState must be PUBLISHED";
  const distribution = body.distribution as Record<string, unknown> | undefined;
  if (distribution?.feedDistribution !== "MAIN_FEED") return "distribution is required";
  return null;
}

// A post as the Posts API returns it, with the fields a text post carries.
function element(post: LinkedinPost) {
  return {
    id: post.id,
    author: post.author,
    commentary: post.commentary,
    visibility: "PUBLIC",
    lifecycleState: "PUBLISHED",
    distribution: {
      feedDistribution: "MAIN_FEED",
      targetEntities: [],
      thirdPartyDistributionChannels: [],
    },
    isReshareDisabledByAuthor: false,
    createdAt: post.createdAt,
    publishedAt: post.createdAt,
    lastModifiedAt: post.createdAt,
    lifecycleStateInfo: { isEditedByAuthor: false },
  };
}

export function createLinkedinStandin(): LinkedinStandin {
  let next = FIRST_SHARE_ID;

  const standin: LinkedinStandin = {
    posts: [],
    now: () => Date.now(),
    handle(request) {
      const problem = headerProblem(request.headers);
      if (problem) return problem;
      if (request.path === "/rest/posts") {
        if (request.method === "POST") return create(request);
        if (request.method === "GET") return findByAuthor(request.query);
      }
      const social = /^\/rest\/socialActions\/([^/]+)$/.exec(request.path);
      if (request.method === "GET" && social?.[1]) return socialActions(social[1]);
      return error(404, "NOT_FOUND", `No LinkedIn route for ${request.path}`);
    },
  };

  function create(request: StandinRequest): Response {
    const body = parseJson(request.body);
    const problem = bodyProblem(body);
    if (problem) return error(422, "UNPROCESSABLE_ENTITY", problem);
    const id = `urn:li:share:${next++}`;
    const author = String(body?.author);
    standin.posts.unshift({
      id,
      author,
      commentary: String(body?.commentary),
      createdAt: standin.now(),
    });
    return new Response(null, { status: 201, headers: { "x-restli-id": id } });
  }

  // The author finder: GET /rest/posts?q=author&author={urn}&count=&sortBy=, newest first.
  function findByAuthor(query: URLSearchParams): Response {
    if (query.get("q") !== "author") return error(400, "ILLEGAL_ARGUMENT", "Unsupported finder");
    const author = query.get("author") ?? "";
    if (!AUTHOR_URN.test(author)) return error(400, "ILLEGAL_ARGUMENT", "Invalid author");
    const count = Number(query.get("count") ?? 10);
    if (!Number.isInteger(count) || count < 1 || count > 100) {
      return error(400, "ILLEGAL_ARGUMENT", "count must be between 1 and 100");
    }
    const sortBy = query.get("sortBy") ?? "LAST_MODIFIED";
    if (sortBy !== "LAST_MODIFIED" && sortBy !== "CREATED") {
      return error(400, "ILLEGAL_ARGUMENT", "sortBy must be LAST_MODIFIED or CREATED");
    }
    const mine = standin.posts.filter((post) => post.author === author);
    const elements = mine.slice(0, count).map(element);
    return json(200, { paging: { start: 0, count, links: [], total: mine.length }, elements });
  }

  function socialActions(encodedUrn: string): Response {
    const urn = decodeURIComponent(encodedUrn);
    if (!standin.posts.some((post) => post.id === urn)) return error(404, "NOT_FOUND", "No post");
    return json(200, {
      likesSummary: { totalLikes: 5 },
      commentsSummary: { totalFirstLevelComments: 2, aggregatedTotalComments: 3 },
    });
  }

  return standin;
}
