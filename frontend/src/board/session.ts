// What this one tab shows and nobody else sees (tldraw's session scope): the selected card,
// the open side panel, the persona whose sentiment line is being edited, and requests to
// start editing a card's text in place or to scroll a card into view. Never saved, never sent.
import type { ElementKind } from "./ops";
import { Scope } from "./scope";

export type Panel =
  | { type: "element"; kind: ElementKind; id: string; focus?: "name" | "comments" }
  | { type: "comments" }
  | { type: "findings" };

export interface SessionState {
  selection: { kind: ElementKind; id: string } | null;
  panel: Panel | null;
  /** The persona whose sentiment line the points edit (multi-persona maps); null: the step's own score. */
  persona: string | null;
  /** Ask a component to start editing in place (after adding a card, or F2). */
  editRequest: { id: string; field: string; seq: number } | null;
  /** Ask the grid to scroll an element into the drawn part of a big map (before focusing it). */
  revealRequest: { id: string; seq: number } | null;
  /** The element whose "Add evidence" dialog is open (the research repository's quotes). */
  evidenceFor: { kind: ElementKind; id: string } | null;
}

export class BoardSession extends Scope<SessionState> {
  private seq = 1;

  constructor() {
    super({ selection: null, panel: null, persona: null, editRequest: null, revealRequest: null, evidenceFor: null });
  }

  select(kind: ElementKind, id: string): void {
    const s = this.state.selection;
    if (s?.kind === kind && s.id === id) return;
    this.set({ selection: { kind, id } });
  }

  clearSelection(): void {
    this.set({ selection: null });
  }

  /** Open a side panel (an element's panel selects the element too), or close it with null. */
  open(panel: Panel | null): void {
    if (panel?.type === "element") this.set({ panel, selection: { kind: panel.kind, id: panel.id } });
    else this.set({ panel });
  }

  requestEdit(id: string, field: string): void {
    this.set({ editRequest: { id, field, seq: this.seq++ } });
  }

  /** The request was taken up (or given up): forget it. */
  clearEditRequest(): void {
    this.set({ editRequest: null });
  }

  reveal(id: string): void {
    this.set({ revealRequest: { id, seq: this.seq++ } });
  }

  /** Open the "Add evidence" dialog for an element, or close it with null. */
  showEvidence(target: { kind: ElementKind; id: string } | null): void {
    this.set({ evidenceFor: target });
  }

  setPersona(persona: string | null): void {
    this.set({ persona });
  }

  /** After an element is gone: close its panel and drop the selection of it. */
  forgetElement(id: string): void {
    const { panel, selection } = this.state;
    if (panel?.type === "element" && panel.id === id) this.open(null);
    if (selection?.id === id) this.clearSelection();
  }
}
