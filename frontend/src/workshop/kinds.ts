// Sticky-note kinds: their names, colours and where each usually goes. The colours are pale
// fills with dark ink, every pair at least WCAG AA (4.5:1) for normal text (kinds.test.ts
// checks it), and each kind also carries a letter mark, so colour is never the only signal.
import type { NoteKind, Shows } from "./api";

export interface KindStyle { label: string; fill: string; ink: string; border: string; mark: string; hint: string }

export const NOTE_KINDS: Record<NoteKind, KindStyle> = {
  action: { label: "Action", fill: "#fef08a", ink: "#422006", border: "#ca8a04", mark: "A", hint: "Something the persona does" },
  question: { label: "Question", fill: "#bfdbfe", ink: "#172554", border: "#2563eb", mark: "?", hint: "What the persona asks or wonders" },
  decision: { label: "Decision", fill: "#ddd6fe", ink: "#2e1065", border: "#7c3aed", mark: "D", hint: "A choice the persona makes" },
  thought: { label: "Thought", fill: "#e0f2fe", ink: "#0c4a6e", border: "#0284c7", mark: "T", hint: "What the persona thinks" },
  feeling: { label: "Feeling", fill: "#fbcfe8", ink: "#500724", border: "#db2777", mark: "F", hint: "How the persona feels" },
  pain_point: { label: "Pain point", fill: "#fecaca", ink: "#450a0a", border: "#dc2626", mark: "!", hint: "Where it hurts: frustration, errors, bottlenecks" },
  idea: { label: "Idea", fill: "#bbf7d0", ink: "#052e16", border: "#16a34a", mark: "I", hint: "An opportunity to make it better" },
  backstory_pain_point: { label: "Back-story pain point", fill: "#fed7aa", ink: "#431407", border: "#ea580c", mark: "BP", hint: "Why the persona starts this journey" },
  requirement: { label: "Requirement", fill: "#e5e7eb", ink: "#111827", border: "#6b7280", mark: "R", hint: "What the persona looks for in a solution" },
  outcome: { label: "Outcome", fill: "#ccfbf1", ink: "#042f2e", border: "#0d9488", mark: "O", hint: "What the persona wants to achieve" },
  highest_goal: { label: "Highest goal", fill: "#fde68a", ink: "#451a03", border: "#b45309", mark: "G", hint: "The persona's (and team's) top goal" },
};

export const KIND_ORDER = Object.keys(NOTE_KINDS) as NoteKind[];

export const BACKSTORY_KINDS: NoteKind[] = ["backstory_pain_point", "requirement", "outcome", "highest_goal"];
export const BOARD_KINDS: NoteKind[] = KIND_ORDER.filter((k) => !BACKSTORY_KINDS.includes(k));

/** The kind a new note starts as in each agenda step (what that step asks people to write). */
export function defaultKindFor(shows: Shows | null | undefined): NoteKind {
  if (shows === "backstory") return "backstory_pain_point";
  if (shows === "pain_points") return "pain_point";
  if (shows === "sentiment") return "feeling";
  if (shows === "big_picture" || shows === "summary") return "idea";
  return "action";
}

/** The lane a new note of a kind goes to on the notes wall, when the map has that lane. */
export function laneForKind(kind: NoteKind, lanes: string[]): string | null {
  const wanted: Partial<Record<NoteKind, string>> = {
    action: "actions", question: "actions", decision: "actions", thought: "thinks", feeling: "feels",
    pain_point: "pain_points", idea: "opportunities",
  };
  const lane = wanted[kind];
  return lane && lanes.includes(lane) ? lane : null;
}

// --- contrast (WCAG 2.1 relative luminance) ----------------------------------------------------

function channel(v: number): number {
  const c = v / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function luminance(hex: string): number {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [m[1], m[2], m[3]].map((x) => channel(parseInt(x, 16)));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The contrast ratio of two colours (1…21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
