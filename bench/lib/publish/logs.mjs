// Reads the API's structured log lines as they arrive: counts by level, the consumer's
// "publish job" outcomes and durations, and the first warnings and errors word for word.
const KEEP = 20;

export function createLogCollector() {
  const logs = {
    levels: {},
    outcomes: {},
    jobDurationsMs: [],
    cronRuns: [],
    problems: [],
  };
  const handle = (log) => {
    logs.levels[log.level] = (logs.levels[log.level] ?? 0) + 1;
    let line = null;
    try {
      line = JSON.parse(log.message);
    } catch {
      // Not one of the API's JSON lines (workerd's own or a queue broker message).
    }
    if (line?.message === "publish job") {
      logs.outcomes[line.outcome] = (logs.outcomes[line.outcome] ?? 0) + 1;
      logs.jobDurationsMs.push(line.duration_ms);
    } else if (line?.message === "cron run") {
      logs.cronRuns.push(line);
    }
    if ((log.level === "warn" || log.level === "error") && logs.problems.length < KEEP) {
      logs.problems.push(log.message);
    }
  };
  return { logs, handle };
}
