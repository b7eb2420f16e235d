// What the analysis found on the map (sawtooth sentiment, gaps, unevidenced steps …), grouped
// by the step or stage it is about. Read again a little after each saved change: findings are
// advisory, so a failed read keeps the last ones.
import { api, paths } from "../api";
import type { Finding } from "../types";
import type { Target } from "./ops";
import { group } from "./grouping";
import { Scope } from "./scope";

export interface AnalysisState {
  findings: Finding[];
  findingsByStep: Map<string, Finding[]>;
  findingsByStage: Map<string, Finding[]>;
}

export const EMPTY_FINDINGS: Finding[] = [];

function sameFindings(a: Finding[] | undefined, b: Finding[]): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x.kind === b[i].kind && x.message === b[i].message && x.severity === b[i].severity);
}

function groupFindings(findings: Finding[], prev?: AnalysisState): Omit<AnalysisState, "findings"> {
  const prevStep = prev?.findingsByStep;
  const prevStage = prev?.findingsByStage;
  const byStep = group(findings, (f) => f.step_id, prevStep);
  const byStage = group(findings, (f) => (f.step_id ? null : f.stage_id), prevStage);
  for (const [k, v] of byStep) if (prevStep && sameFindings(prevStep.get(k), v)) byStep.set(k, prevStep.get(k)!);
  for (const [k, v] of byStage) if (prevStage && sameFindings(prevStage.get(k), v)) byStage.set(k, prevStage.get(k)!);
  return { findingsByStep: byStep, findingsByStage: byStage };
}

export class Analysis extends Scope<AnalysisState> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;
  private disposed = false;

  constructor(private readonly target: Target | null, findings: Finding[] = []) {
    super({ findings, ...groupFindings(findings) });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  setFindings(findings: Finding[]): void {
    this.set({ findings, ...groupFindings(findings, this.state) });
  }

  /** Read the findings again in a moment (edits come in bursts: one read for the burst). */
  schedule(delay = 1200): void {
    if (!this.target) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), delay);
  }

  async load(): Promise<void> {
    if (!this.target) return;
    const seq = ++this.seq;
    try {
      const reply = await api.get<{ findings: Finding[] }>(paths.analysis(this.target.workspaceId, this.target.mapId));
      if (seq === this.seq && !this.disposed) this.setFindings(reply.data.findings);
    } catch {
      /* findings are advisory: keep the last ones */
    }
  }
}
