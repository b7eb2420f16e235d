// What the board shows for the model's values: lane titles, icons, channel names, sentiment
// faces and colours, safe image addresses. Words first: colour is never the only signal.
import { createElement, type CSSProperties } from "react";
import type { Impact, JourneyMap } from "../types";
import { FILLED_ICONS, ICONS, KNOWN_CHANNELS } from "./iconData";

export const LANE_TITLES: Record<string, string> = {
  actions: "Actions", touchpoints: "Touchpoints", channels: "Channels", thinks: "Thinks", feels: "Feels",
  sentiment: "Sentiment", pain_points: "Pain points", opportunities: "Opportunities", backstage: "Backstage",
  metrics: "Metrics", measured: "Measured", images: "Images", notes: "Notes",
};
export const KIND_LABEL: Record<string, string> = { action: "Action", question: "Question", decision: "Decision" };
export const IMPACT_LABEL: Record<Impact, string> = { trivial: "Trivial", workaround: "Workaround", abandon: "Abandon" };
export const IMPACT_MARKS: Record<Impact, string> = { trivial: "●", workaround: "●●", abandon: "●●●" };
export const SEVERITY_ORDER: Record<string, number> = { high: 0, medium: 1, low: 2, info: 3 };

/** Sizes of the grid, shared by the CSS (as custom properties) and the sentiment drawing. */
export const GRID = { label: 168, column: 204, sentiment: 168, pad: 24 } as const;

export const SERIES_COLOURS = ["#1d4ed8", "#c2410c", "#047857", "#7e22ce", "#be185d", "#0f766e"];
export const SERIES_DASH = ["", "8 5", "2 4", "12 4 3 4", "6 3", "1 3"];
const FACE_FILL = ["#f87171", "#fdba74", "#fde68a", "#bbf7d0", "#4ade80"];

export function laneTitle(lane: string, customNames: Map<string, string>): string {
  return LANE_TITLES[lane] ?? customNames.get(lane) ?? lane;
}

export function Icon({ name, size = 16, className, style }: { name: string; size?: number; className?: string; style?: CSSProperties }) {
  const shapes = ICONS[name] ?? ICONS.custom;
  const filled = FILLED_ICONS.has(name);
  return (
    <svg
      viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" focusable="false" className={className} style={style}
      fill={filled ? "currentColor" : "none"} stroke={filled ? "none" : "currentColor"} strokeWidth={1.7} strokeLinecap="round" strokeLinejoin="round"
    >
      {shapes.map(([tag, attrs], i) => createElement(tag, { key: i, ...attrs }))}
    </svg>
  );
}

function channelKey(channel: string): string {
  return channel.trim().toLowerCase().replace(/[ -]/g, "_");
}

export function channelIcon(channel: string): string {
  const key = channelKey(channel);
  return KNOWN_CHANNELS.includes(key) && ICONS[key] ? key : "channel";
}

export function channelLabel(channel: string): string {
  const key = channelKey(channel);
  if (KNOWN_CHANNELS.includes(key)) {
    const words = key.replace(/_/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return channel.trim();
}

export const CHANNEL_CHOICES = KNOWN_CHANNELS.map((c) => [c, channelLabel(c)] as const);

/** A score as printed on the map: "+3", "0", "−2.5". */
/** A score as shown: "+3", "0", "−2.5"; no plus sign on a scale without negatives (1 … 5). */
export function scoreText(score: number, scale?: JourneyMap["scale"]): string {
  const text = Number.isInteger(score) ? String(score) : score.toFixed(1);
  if (score > 0 && (scale === undefined || scale.min < 0)) return "+" + text;
  return text.replace("-", "−");
}

export function normalise(score: number, scale: JourneyMap["scale"]): number {
  const neutral = (scale.min + scale.max) / 2;
  return (score - neutral) / ((scale.max - scale.min) / 2);
}

export function faceFill(normalised: number): string {
  const band = Math.min(4, Math.max(0, Math.floor(((normalised + 1) / 2) * 5 - 1e-9)));
  return FACE_FILL[band];
}

export function moodWord(score: number, scale: JourneyMap["scale"]): string {
  const n = normalise(score, scale);
  if (n >= 0.6) return "very positive";
  if (n > 0.05) return "positive";
  if (n <= -0.6) return "very negative";
  if (n < -0.05) return "negative";
  return "neutral";
}

/** A face for a sentiment score: the mouth curves with the score (drawn, not an emoji). */
export function Face({ score, scale, size = 24 }: { score: number; scale: JourneyMap["scale"]; size?: number }) {
  const n = Math.max(-1, Math.min(1, normalise(score, scale)));
  const curve = n * 4;
  return (
    <svg viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" focusable="false" className="face">
      <circle cx="12" cy="12" r="10.5" fill={faceFill(n)} stroke="#1f2937" strokeWidth="1.3" />
      <circle cx="8.6" cy="9.6" r="1.25" fill="#1f2937" />
      <circle cx="15.4" cy="9.6" r="1.25" fill="#1f2937" />
      <path d={`M7.5 ${15.2 - curve / 2} Q12 ${15.2 + curve} 16.5 ${15.2 - curve / 2}`} fill="none" stroke="#1f2937" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}

/** The address when it is safe to show as an image: data:image, https: or relative (as the renderer). */
export function safeImageUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  const url = value.trim();
  // eslint-disable-next-line no-control-regex
  const probe = url.replace(/[\x00-\x20\x7f]/g, "");
  if (!probe || probe.startsWith("//") || probe.startsWith("\\")) return null;
  if (/^data:image\/(png|jpeg|jpg|gif|webp|svg\+xml|avif)(;[a-z0-9=.+-]+)*,/i.test(probe)) return url === probe ? url : null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(probe);
  if (scheme) return scheme[1].toLowerCase() === "https" && url === probe ? url : null;
  if (/[\s<>"']/.test(url)) return null;
  return url;
}

/** Monotone cubic curve (Fritsch–Carlson) through the points, as the renderer draws it. */
export function smoothPath(points: [number, number][]): string {
  if (!points.length) return "";
  const f = (v: number) => (Math.round(v * 10) / 10).toString();
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  let d = `M${f(xs[0])} ${f(ys[0])}`;
  const n = points.length;
  if (n === 1) return d;
  const slopes = xs.slice(0, -1).map((x, i) => (ys[i + 1] - ys[i]) / (xs[i + 1] - x || 1e-9));
  const m = [slopes[0], ...new Array<number>(Math.max(0, n - 2)).fill(0), slopes[n - 2]];
  for (let i = 1; i < n - 1; i++) {
    const a = slopes[i - 1];
    const b = slopes[i];
    if (a * b <= 0) m[i] = 0;
    else {
      const h0 = xs[i] - xs[i - 1];
      const h1 = xs[i + 1] - xs[i];
      const w1 = 2 * h1 + h0;
      const w2 = h1 + 2 * h0;
      m[i] = (w1 + w2) / (w1 / a + w2 / b);
    }
  }
  for (let i = 0; i < n - 1; i++) {
    const h = (xs[i + 1] - xs[i]) / 3;
    d += `C${f(xs[i] + h)} ${f(ys[i] + m[i] * h)} ${f(xs[i + 1] - h)} ${f(ys[i + 1] - m[i + 1] * h)} ${f(xs[i + 1])} ${f(ys[i + 1])}`;
  }
  return d;
}

/** Share 0–1 as "46%". */
export function percent(share: number | null | undefined): string {
  return share === null || share === undefined ? "" : `${Math.round(share * 100)}%`;
}

export function quoteName(name: string): string {
  return `‘${name || "untitled"}’`;
}

/**
 * What each persona chip of a multi-persona map says on a narrow window: the name a persona
 * goes by ("Farah" of "Farah the Finance Director"), the rest kept for screen readers and
 * wide windows. Names without " the ", and names whose short forms would be the same, stay whole.
 */
export function chipNames(names: string[]): { short: string; rest: string }[] {
  const split = names.map((name) => {
    const m = /^(\S.*?)(\s+the\s+\S.*)$/i.exec(name.trim());
    return m ? { short: m[1], rest: m[2] } : { short: name, rest: "" };
  });
  const counts = new Map<string, number>();
  for (const s of split) counts.set(s.short.toLowerCase(), (counts.get(s.short.toLowerCase()) ?? 0) + 1);
  return split.map((s, i) => ((counts.get(s.short.toLowerCase()) ?? 0) > 1 ? { short: names[i], rest: "" } : s));
}
