// The research repository's API (docs/api.md, "Research"): sources, quotes, links, search,
// surveys and the validation gate. Types mirror the JSON the routes answer.
import { api } from "../api";

const enc = encodeURIComponent;

export interface SourceRow {
  id: string;
  name: string;
  kind: "notes" | "markdown" | "docx" | "transcript" | "survey";
  filename: string;
  size: number;
  date: string | null;
  created_at: string;
  quotes: number;
}

export interface Cue { start: string; end: string; speaker: string | null; offset: number; length: number }

export interface QuoteLink { id: number; map: string | null; map_name: string | null; element: string; element_kind: string; evidence: string }

export interface Quote {
  id: string;
  text: string;
  note: string;
  start: number;
  stop: number;
  speaker: string | null;
  at: string | null;
  source: { id: string; name: string; kind: string; date: string | null };
  tags: string[];
  links: QuoteLink[];
  created_by: string | null;
  created_at: string;
}

export interface SurveyQuestion { column: string; question: string; metric: string; detected: boolean; answered: number; samples: string[] }

export interface SurveyMapping {
  metrics: Record<string, string>;
  map: string | null;
  questions: Record<string, string>;
  step_col: string | null;
  values: Record<string, string>;
  by: string | null;
  confirmed?: boolean;
}

export interface SurveyFacts {
  file: string;
  layout: string;
  sheet: string | null;
  responses: number;
  columns: { name: string; question: string; bookkeeping: boolean }[];
  questions: SurveyQuestion[];
  mapping: SurveyMapping;
  themes?: { job: string; column: string; decisions: Record<string, Decision> };
}

export interface SourceFull extends SourceRow {
  text: string | null;
  cues: Cue[];
  speakers: string[];
  survey: SurveyFacts | null;
  highlights?: Quote[];
}

export interface SearchResult {
  total: number;
  quotes: Quote[];
  tags: { tag: string; count: number }[];
  sources: (SourceRow & { snippet: string })[];
}

export interface Score { column: string; question: string; metric: string; n: number; score: number | null; interval: [number, number] | null; detected: boolean; scale?: [number, number]; groups?: { group: string; n: number; score: number | null; interval: [number, number] | null }[] }

export interface Target { kind: string; id: string; name: string; steps: string[] }

export interface ScoresResult {
  mapping: SurveyMapping;
  questions: Score[];
  links?: {
    questions: { column: string; question: string; metric: string; target: Target | null; how: string }[];
    step_column: { column: string; values: { value: string; responses: number; target: Target | null; how: string }[] } | null;
  };
  targets?: { applied: { column: string; metric: string; target: Target; n: number; score: number; interval: [number, number] | null }[] };
}

export interface Decision { status: "accepted" | "rejected"; by: string; at: string; map: string | null; pain_point: string | null }

export interface Suggestion {
  id: string;
  name: string;
  description: string;
  reach: number;
  theme: number;
  status: "suggested" | "accepted" | "rejected";
  evidence: { row: number; text: string; label: string; score: number }[];
  decision?: Decision;
}

export interface ThemesJob {
  id: string;
  state: "queued" | "running" | "done" | "failed";
  progress: { fraction: number; message: string };
  result: {
    comments: number;
    themes: { id: number; label: string; terms: string[]; size: number; reach: number; quotes: { row: number; text: string; label: string }[] }[];
    pain_points: Suggestion[];
    warnings: string[];
  } | null;
  error: { message: string } | null;
}

export interface Claim { kind: "pain_point" | "moment_of_truth" | "sentiment_line"; id: string; name: string; evidenced: boolean }

export interface ValidationState {
  map: string;
  status: string;
  revision: number;
  claims: Claim[];
  evidenced: number;
  ready: boolean;
  history: { id: string; status: string; overridden: boolean; reason: string | null; missing: Claim[]; by: string | null; at: string }[];
}

export const research = {
  base: (w: string) => `/api/workspaces/${enc(w)}/research`,
  upload: (w: string, form: FormData) => api.post<SourceFull>(`${research.base(w)}/import`, form),
  sources: (w: string) => api.get<{ sources: SourceRow[] }>(`${research.base(w)}/sources`),
  source: (w: string, id: string) => api.get<SourceFull>(`${research.base(w)}/sources/${enc(id)}`),
  deleteSource: (w: string, id: string) => api.del(`${research.base(w)}/sources/${enc(id)}`),
  search: (w: string, query: Record<string, string | undefined>) => api.get<SearchResult>(`${research.base(w)}/quotes`, query),
  addQuote: (w: string, body: Record<string, unknown>) => api.post<Quote>(`${research.base(w)}/quotes`, body),
  patchQuote: (w: string, id: string, body: { note?: string; tags?: string[] }) => api.patch<Quote>(`${research.base(w)}/quotes/${enc(id)}`, body),
  deleteQuote: (w: string, id: string) => api.del(`${research.base(w)}/quotes/${enc(id)}`),
  link: (w: string, id: string, body: { element: string; map?: string | null; kind?: "quote" | "interview" }) =>
    api.post<Quote>(`${research.base(w)}/quotes/${enc(id)}/links`, body),
  unlink: (w: string, id: string, link: number) => api.del<Quote>(`${research.base(w)}/quotes/${enc(id)}/links/${link}`),
  survey: (w: string, id: string) => `${research.base(w)}/surveys/${enc(id)}`,
  validation: (w: string, m: string) => `/api/workspaces/${enc(w)}/maps/${enc(m)}/validation`,
};

/** "2 quotes · 1 survey": how much evidence, of which kinds. */
export function evidenceWords(kinds: Record<string, number>): string {
  const label: Record<string, [string, string]> = {
    quote: ["quote", "quotes"],
    interview: ["interview", "interviews"],
    survey: ["survey", "surveys"],
    analytics: ["analytics figure", "analytics figures"],
    support_ticket: ["support ticket", "support tickets"],
  };
  return Object.entries(kinds)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${n} ${(label[kind] ?? [kind.replace(/_/g, " "), kind.replace(/_/g, " ")])[n === 1 ? 0 : 1]}`)
    .join(" · ");
}
