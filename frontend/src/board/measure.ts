// Row heights for big maps. A big map draws only the step columns near the viewport, so the
// browser cannot size the rows from every column; these estimates (text measured with the
// board's font on a canvas, wrapped as the CSS wraps it) give each row the height its
// tallest column needs, and the rows stay put while you scroll. Numbers follow board.css.
import type { Opportunity, PainPoint, Step } from "../types";
import { GRID } from "./appearance";
import type { Column } from "./store";

let context: CanvasRenderingContext2D | null = null;
let family = "";
const widths = new Map<string, number>();

function measure(word: string, font: string): number {
  const key = font + "\u0000" + word;
  let w = widths.get(key);
  if (w === undefined) {
    if (!context) {
      context = document.createElement("canvas").getContext("2d");
      family = getComputedStyle(document.body).fontFamily || "sans-serif";
    }
    if (!context) return word.length * 7;
    context.font = `${font} ${family}`;
    w = context.measureText(word).width;
    widths.set(key, w);
  }
  return w;
}

/** Lines a text takes in a box `width` wide (words wrap; long words break), at most `max`. */
export function lineCount(text: string | null | undefined, font: string, width: number, max: number): number {
  if (!text) return 0;
  let lines = 0;
  const space = measure(" ", font);
  for (const paragraph of text.split("\n")) {
    let line = 0;
    let count = 1;
    for (const word of paragraph.split(/\s+/)) {
      if (!word) continue;
      const w = measure(word, font);
      if (w > width) {
        count += Math.ceil((line + w) / width) - 1;
        line = (line + w) % width;
      } else if (line > 0 && line + w > width) {
        count++;
        line = w + space;
      } else line += w + space;
    }
    lines += count;
    if (lines >= max) return max;
  }
  return Math.min(lines, max);
}

const INNER = GRID.column - 17; // cell padding 8 + 8, column border 1
const LH13 = 13 * 1.38;
const LH12 = 12 * 1.38;
const LH11 = 11 * 1.38;
const CELL = 17; // padding + bottom border

function textLane(text: string | null | undefined, icon: boolean): number {
  const n = lineCount(text, "13px", INNER - (icon ? 21 : 0), 6);
  return n ? n * LH13 + CELL : 0;
}

/** Rows a wrapping row of badges takes (flex-wrap with a gap). */
function flowRows(items: number[], width: number, gap: number): number {
  let rows = 1;
  let line = 0;
  for (const w of items) {
    if (line > 0 && line + gap + w > width) {
      rows++;
      line = w;
    } else line += (line > 0 ? gap : 0) + w;
  }
  return rows;
}

const IMPACT_WORDS: Record<string, string> = { trivial: "●  Trivial", workaround: "●●  Workaround", abandon: "●●●  Abandon" };

function painHeight(pains: PainPoint[] | undefined, evidenced: Set<string>): number {
  if (!pains?.length) return 0;
  let h = 0;
  for (const p of pains) {
    const badges = [measure(IMPACT_WORDS[p.impact] ?? p.impact, "700 10.5px") + 16];
    if (p.reach !== null) badges.push(measure("100% reach", "600 10.5px") + 16);
    if (!evidenced.has(p.id)) badges.push(measure("+ Add evidence", "600 10.5px") + 16);
    const rows = flowRows(badges, INNER - 35, 4);
    h += 17 + rows * 19.75 + (rows - 1) * 4 + lineCount(p.name, "12px", INNER - 17, 20) * LH12 + 6;
  }
  return h - 6;
}

function oppHeight(opps: Opportunity[] | undefined): number {
  if (!opps?.length) return 0;
  let h = 0;
  for (const o of opps) {
    const meta = [measure("○ 000 votes", "700 11px") + 16];
    if (o.owner) meta.push(Math.min(measure(o.owner, "700 10.5px"), INNER - 37));
    const rows = flowRows(meta, INNER - 37, 6);
    const extra = [o.status.replace("_", " "), o.effort ? "effort XL" : "", o.impact ? `impact ${o.impact}` : ""].filter(Boolean).join(" · ");
    h += 14 + Math.max(1, lineCount(o.name, "12px", INNER - 37, 20)) * LH12 + 4 + rows * 19.6 + (rows - 1) * 6 + 2 + lineCount(extra, "10.5px", INNER - 37, 4) * 14.5 + 6;
  }
  return h - 6;
}

function cardHeight(step: Step, assumption: boolean): number {
  let h = 16 + 3 + 6 + 26 + 20 + 5 + Math.max(1, lineCount(step.name, "700 13px", INNER - 10, 3)) * 16.9;
  if (step.kind === "decision" && step.branches.length) h += Math.min(5, step.branches.length) * LH11 + 4;
  const badges = [step.moment_of_truth ? 118 : 0, step.zone === "backstage" ? 78 : 0, assumption ? 96 : 84].filter(Boolean);
  if (badges.length) {
    let rows = 1;
    let line = 0;
    for (const b of badges) {
      if (line && line + b > INNER - 10) {
        rows++;
        line = b;
      } else line += b + 4;
    }
    h += 4 + rows * 20;
  }
  return Math.max(h, 84 + 16);
}

function backstageHeight(step: Step, editable: boolean): number {
  let h = 0;
  if (step.zone === "backstage") h += 12 + lineCount(step.does || step.description || step.name, "12px", INNER - 16, 30) * LH12 + 5;
  if (step.actors.length) h += lineCount(step.actors.join(", "), "11px", INNER - 20, 10) * LH11;
  else if (editable) h += 28;
  return h ? h + CELL : 0;
}

function metricsHeight(step: Step): number {
  const lines = step.metrics.map((m) => `${m.name}: ${m.value ?? "—"}${m.unit ?? ""}${m.target !== null ? ` (target ${m.target}${m.unit ?? ""})` : ""}`);
  if (step.measured) lines.push("Reach: 0000 units (00%)", "Conversion: 00%");
  if (!lines.length) return 0;
  return lines.slice(0, 6).reduce((h, l) => h + lineCount(l, "11px", INNER - 20, 4) * LH11 + 2, CELL);
}

interface Cached { lanes: string[]; pains: PainPoint[] | undefined; opps: Opportunity[] | undefined; evidenced: Set<string>; editable: boolean; heights: number[] }
const cache = new WeakMap<Step, Cached>();

/** The heights one step's column needs, row by row (card row, then each lane); cached per step. */
function columnHeights(step: Step, lanes: string[], pains: PainPoint[] | undefined, opps: Opportunity[] | undefined, evidenced: Set<string>, editable: boolean): number[] {
  const hit = cache.get(step);
  if (hit && hit.lanes === lanes && hit.pains === pains && hit.opps === opps && hit.evidenced === evidenced && hit.editable === editable) return hit.heights;
  const addButton = editable ? 26 : 0;
  const heights = [cardHeight(step, !evidenced.has(step.id))];
  for (const lane of lanes) {
    let h = 0;
    switch (lane) {
      case "sentiment":
        break;
      case "actions":
        h = step.zone === "frontstage" ? textLane(step.does, false) : 0;
        break;
      case "touchpoints":
        h = textLane(step.touchpoint, true);
        break;
      case "channels":
        h = textLane(step.channel, true);
        break;
      case "feels":
        h = textLane(step.feels, true);
        break;
      case "notes":
        h = textLane(step.notes, true);
        break;
      case "thinks": {
        const n = lineCount(step.thinks ? `“${step.thinks}”` : "", "italic 13px", INNER - 22, 6);
        h = n ? n * LH13 + 12 + CELL : 0;
        break;
      }
      case "pain_points": {
        const p = painHeight(pains, evidenced);
        h = p + (p && addButton ? 6 : 0) + addButton + CELL;
        break;
      }
      case "opportunities": {
        const o = oppHeight(opps);
        h = o + (o && addButton ? 6 : 0) + addButton + CELL;
        break;
      }
      case "backstage":
        h = backstageHeight(step, editable);
        break;
      case "metrics":
        h = metricsHeight(step);
        break;
      case "images":
        h = step.image ? 120 + CELL : 0;
        break;
      case "measured":
        // Up to six lines of figures, a sparkline and a note (the figures arrive later).
        h = 6 * LH13 + 30 + CELL;
        break;
      default: {
        const n = lineCount(step.lanes[lane], "13px", INNER - 16, 6);
        h = n ? n * LH13 + 10 + CELL : 0;
      }
    }
    heights.push(h);
  }
  cache.set(step, { lanes, pains, opps, evidenced, editable, heights });
  return heights;
}

/** The minimum height of each row (card row, then each lane) of a big map: its tallest column's. */
export function estimateRows(columns: Column[], lanes: string[], pains: Map<string, PainPoint[]>, opps: Map<string, Opportunity[]>, evidenced: Set<string>, editable: boolean): number[] {
  const rows = new Array<number>(lanes.length + 1).fill(40);
  for (const { step } of columns) {
    const heights = columnHeights(step, lanes, pains.get(step.id), opps.get(step.id), evidenced, editable);
    for (let i = 0; i < heights.length; i++) if (heights[i] > rows[i]) rows[i] = heights[i];
  }
  return rows.map((h) => Math.ceil(h + 2));
}
