// Before timing anything: both API workers must answer the list with a full page, and the
// raw worker must then serve the very same bytes, or the comparison means nothing.
export async function sampleList(urls, token, expectedItems) {
  let body = "";
  for (const target of ["on", "off"]) {
    const res = await fetch(`${urls[target]}/v1/content`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET /v1/content (${target}): ${res.status} ${text}`);
    const items = JSON.parse(text).data.length;
    if (items !== expectedItems) {
      throw new Error(`GET /v1/content (${target}) returned ${items} items, not ${expectedItems}`);
    }
    body = text;
  }
  return body;
}

export async function primeRaw(rawUrl, body) {
  await fetch(rawUrl, { method: "PUT", body });
  const served = await (await fetch(`${rawUrl}/v1/content`)).text();
  if (served.length !== body.length) throw new Error("raw worker does not serve the list body");
}
