import { json, type PlatformStandin } from "./types";

export type ContainerStatus = "IN_PROGRESS" | "FINISHED" | "ERROR" | "EXPIRED" | "PUBLISHED";
type Container = { id: string; caption: string; status: ContainerStatus; checks: number };
type Media = { id: string; caption: string; timestamp: string; permalink: string };

export type InstagramStandin = PlatformStandin & {
  // How many status reads a new container answers IN_PROGRESS before FINISHED.
  checksUntilFinished: number;
  containers: Map<string, Container>;
  // Newest first, as the Graph API lists an account's media.
  media: Media[];
  setContainerStatus(id: string, status: ContainerStatus): void;
};

const graphError = (code: number, message: string, extra: Record<string, unknown> = {}) =>
  json(400, { error: { message, type: "OAuthException", code, fbtrace_id: "standin", ...extra } });

// Graph timestamps use a +0000 offset without a colon.
const graphTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+0000");

export function createInstagramStandin(): InstagramStandin {
  let next = 17900000000000001n;
  const newId = () => `${next++}`;

  const standin: InstagramStandin = {
    checksUntilFinished: 0,
    containers: new Map(),
    media: [],
    setContainerStatus(id, status) {
      const container = standin.containers.get(id);
      if (container) container.status = status;
    },
    handle(request) {
      // Graph takes parameters from the query string or a form body alike.
      const params = new URLSearchParams(request.query);
      for (const [key, value] of new URLSearchParams(request.body)) params.set(key, value);
      if (!params.get("access_token")) {
        return graphError(190, "Invalid OAuth access token - Cannot parse access token");
      }
      const [, first, edge, extra] = request.path.split("/");
      if (!first || extra !== undefined) return graphError(100, "Unknown path");
      if (request.method === "POST" && edge === "media") return createContainer(params);
      if (request.method === "POST" && edge === "media_publish") return publish(params);
      if (request.method === "GET" && edge === "media") return listMedia(params);
      if (request.method === "GET" && edge === "insights") return insights(first, params);
      if (request.method === "GET" && edge === undefined) return read(first);
      return graphError(100, `Unsupported ${request.method} request`);
    },
  };

  function createContainer(params: URLSearchParams): Response {
    const isReel = params.get("media_type") === "REELS";
    const url = isReel ? params.get("video_url") : params.get("image_url");
    if (!url)
      return graphError(100, `The parameter ${isReel ? "video_url" : "image_url"} is required`);
    const id = newId();
    const status = standin.checksUntilFinished > 0 ? "IN_PROGRESS" : "FINISHED";
    standin.containers.set(id, { id, caption: params.get("caption") ?? "", status, checks: 0 });
    return json(200, { id });
  }

  function publish(params: URLSearchParams): Response {
    const container = standin.containers.get(params.get("creation_id") ?? "");
    if (!container) return graphError(100, "Invalid parameter: creation_id");
    if (container.status === "PUBLISHED") {
      return graphError(9007, "The media has already been published", { error_subcode: 2207001 });
    }
    if (container.status !== "FINISHED") {
      return graphError(9007, "Media ID is not available", { error_subcode: 2207027 });
    }
    container.status = "PUBLISHED";
    const id = newId();
    const permalink = `https://www.instagram.com/p/standin${id}/`;
    standin.media.unshift({
      id,
      caption: container.caption,
      timestamp: graphTime(Date.now()),
      permalink,
    });
    return json(200, { id });
  }

  function read(id: string): Response {
    const container = standin.containers.get(id);
    if (container) {
      container.checks++;
      if (container.status === "IN_PROGRESS" && container.checks > standin.checksUntilFinished) {
        container.status = "FINISHED";
      }
      return json(200, { id, status_code: container.status });
    }
    const media = standin.media.find((item) => item.id === id);
    if (media) return json(200, media);
    return graphError(100, `Object with ID '${id}' does not exist`, { error_subcode: 33 });
  }

  function listMedia(params: URLSearchParams): Response {
    const limit = Number(params.get("limit") ?? 25);
    const data = standin.media.slice(0, limit).map(({ id, caption, timestamp }) => ({
      id,
      caption,
      timestamp,
    }));
    return json(200, { data });
  }

  function insights(id: string, params: URLSearchParams): Response {
    if (!standin.media.some((item) => item.id === id)) return graphError(100, "Unknown media");
    const names = (params.get("metric") ?? "").split(",").filter(Boolean);
    const data = names.map((name, index) => ({
      name,
      period: "lifetime",
      values: [{ value: (index + 1) * 10 }],
      id: `${id}/insights/${name}/lifetime`,
    }));
    return json(200, { data });
  }

  return standin;
}
