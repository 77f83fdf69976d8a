// Runs the publish bench on an already bundled API Worker, prints it and adds it to
// bench/out/results.json; shared by `npm run bench:publish` and the end of `npm run bench`.
import { outDir, root } from "../options.mjs";
import { publishOptions } from "./options.mjs";
import { mergeResults, printPublish } from "./report.mjs";
import { runPublishBench } from "./run.mjs";

export async function publishBench(apiScript) {
  const result = await runPublishBench({ root, outDir, apiScript, options: publishOptions });
  printPublish(result);
  return mergeResults(outDir, "publish", result);
}
