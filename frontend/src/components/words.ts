// Words for what the app shows: the model's enum values, dates and "3 minutes ago".

/** Words for the model's enum values, used wherever they are shown. */
export const LABELS: Record<string, string> = {
  action: "Action", question: "Question", decision: "Decision",
  frontstage: "Frontstage", backstage: "Backstage",
  trivial: "Trivial", workaround: "Workaround", abandon: "Abandon",
  low: "Low", medium: "Medium", high: "High",
  xs: "XS", s: "S", m: "M", l: "L", xl: "XL",
  current_state: "Current state", future_state: "Future state", day_in_the_life: "Day in the life", service_blueprint: "Service blueprint",
  hypothesis: "Hypothesis", validated: "Validated",
  idea: "Idea", planned: "Planned", in_progress: "In progress", done: "Done",
  owner: "Owner", editor: "Editor", commenter: "Commenter", viewer: "Viewer",
  actions: "Actions", touchpoints: "Touchpoints", channels: "Channels", thinks: "Thinks", feels: "Feels",
  sentiment: "Sentiment", pain_points: "Pain points", opportunities: "Opportunities", metrics: "Metrics", images: "Images", notes: "Notes",
  high_level: "High level", detailed: "Detailed",
};
export function label(value: string | null | undefined): string {
  if (!value) return "";
  return LABELS[value] ?? value.replace(/_/g, " ");
}

export function longDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso.length === 10 ? iso + "T00:00:00" : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** "3 minutes ago"-style time for lists. */
export function ago(iso: string): string {
  const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
  if (seconds < 60) return "just now";
  const units: [number, string][] = [[60, "minute"], [3600, "hour"], [86400, "day"], [604800, "week"], [2629800, "month"], [31557600, "year"]];
  let unit = units[0];
  for (const u of units) if (seconds >= u[0]) unit = u;
  const n = Math.floor(seconds / unit[0]);
  return `${plural(n, unit[1])} ago`;
}

const IRREGULAR: Record<string, string> = { evidence: "evidence", person: "people", feedback: "feedback", analysis: "analyses", criterion: "criteria" };

/** The plural of an English noun as the app uses them: "step" → "steps", "opportunity" →
 * "opportunities", "evidence" → "evidence"; only the last word changes ("pain point"). */
export function pluralOf(word: string): string {
  const cut = word.lastIndexOf(" ") + 1;
  const head = word.slice(0, cut);
  const last = word.slice(cut);
  const lower = last.toLowerCase();
  if (IRREGULAR[lower]) return head + IRREGULAR[lower];
  if (/[^aeiou]y$/i.test(last)) return head + last.slice(0, -1) + "ies";
  if (/(s|x|z|ch|sh)$/i.test(last)) return head + last + "es";
  return head + last + "s";
}

/** A count with its noun, the one way the app writes them: "1 vote", "2 votes", "0 personas".
 * `many` gives a plural the rule does not know. */
export function plural(n: number, word: string, many?: string): string {
  return `${n} ${n === 1 ? word : (many ?? pluralOf(word))}`;
}
