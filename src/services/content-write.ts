import type { Database } from "../context";
import { failUnlessChanged, isStaleWrite } from "../db/write-guard";
import { ApiError } from "../errors";
import type { Statement } from "./schedule-writes";

// Writes a content row read earlier together with its posts, in one transaction, only if the
// row is still as it was read (the update must be conditional on its `updated_at`). Otherwise
// nothing is written: a publisher settling the last post, or another request, got there first.
export async function writeContentWith(
  db: Database,
  contentUpdate: Statement,
  statements: Statement[],
): Promise<void> {
  try {
    await db.batch([contentUpdate, failUnlessChanged(db), ...statements]);
  } catch (err) {
    if (isStaleWrite(err)) {
      throw new ApiError(
        "conflict",
        "The content changed while this request ran; read it again and retry",
      );
    }
    throw err;
  }
}
