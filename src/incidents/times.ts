/** An incident's times, as the state store keeps them (ISO strings). */
export interface TimedIncident {
  readonly openedAt: string;
  readonly acknowledgedAt?: string;
  readonly resolvedAt?: string;
}

/** One week of a team's incidents: how many were acknowledged and resolved in it, and the median time each took. */
export interface WeekTimes {
  /** The Monday the week starts on (UTC), `YYYY-MM-DD`. */
  readonly week: string;
  readonly acknowledged: number;
  /** Median minutes from opened to acknowledged, of those acknowledged this week. */
  readonly mttaMinutes?: number;
  readonly resolved: number;
  /** Median minutes from opened to resolved, of those resolved this week. */
  readonly mttrMinutes?: number;
}

const DAY = 86_400_000;

/** The Monday (UTC) of the week `at` falls in. */
export function weekStart(at: Date): string {
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const sinceMonday = (at.getUTCDay() + 6) % 7;
  return new Date(midnight - sinceMonday * DAY).toISOString().slice(0, 10);
}

/** The middle value (the mean of the two middle ones for an even count); undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Time to acknowledge and to resolve per week, the last `weeks` weeks up to the one `now`
 * is in, oldest first. An incident counts in the week it was acknowledged (for MTTA) and
 * in the week it was resolved (for MTTR), so a week shows how the team answered then.
 * Medians, not means: one incident left open over a holiday does not hide the rest.
 */
export function weeklyTimes(incidents: readonly TimedIncident[], weeks: number, now: Date): WeekTimes[] {
  const last = Date.parse(`${weekStart(now)}T00:00:00Z`);
  const starts = Array.from({ length: Math.max(1, weeks) }, (_, i) => new Date(last - (Math.max(1, weeks) - 1 - i) * 7 * DAY).toISOString().slice(0, 10));
  const tta = new Map<string, number[]>(starts.map((w) => [w, []]));
  const ttr = new Map<string, number[]>(starts.map((w) => [w, []]));
  const minutes = (from: string, to: string): number => Math.max(0, Date.parse(to) - Date.parse(from)) / 60_000;
  for (const incident of incidents) {
    if (incident.acknowledgedAt) tta.get(weekStart(new Date(incident.acknowledgedAt)))?.push(minutes(incident.openedAt, incident.acknowledgedAt));
    if (incident.resolvedAt) ttr.get(weekStart(new Date(incident.resolvedAt)))?.push(minutes(incident.openedAt, incident.resolvedAt));
  }
  // To the hundredth of a minute: answers within seconds still read as more than nothing.
  const round = (value: number | undefined): number | undefined => (value === undefined ? undefined : Math.round(value * 100) / 100);
  return starts.map((week) => {
    const acks = tta.get(week) ?? [];
    const fixes = ttr.get(week) ?? [];
    const mtta = round(median(acks));
    const mttr = round(median(fixes));
    return { week, acknowledged: acks.length, ...(mtta === undefined ? {} : { mttaMinutes: mtta }), resolved: fixes.length, ...(mttr === undefined ? {} : { mttrMinutes: mttr }) };
  });
}
