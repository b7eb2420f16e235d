// The store protocol every part of the board's state shares (the document, history, session,
// collaboration, analysis): an immutable state object, replaced on each change, and listeners.
// React reads it through useSyncExternalStore, so each part redraws only what it touches.

export type Listener = () => void;

/** Something that holds state and says when it changed. */
export interface Subscribable<S> {
  getState(): S;
  subscribe(listener: Listener): () => void;
}

export class Scope<S extends object> implements Subscribable<S> {
  protected state: S;
  private listeners = new Set<Listener>();

  constructor(initial: S) {
    this.state = initial;
  }

  getState = (): S => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Replace the fields in `patch`; listeners hear of it only when one of them really changed. */
  protected set(patch: Partial<S>): void {
    const keys = Object.keys(patch) as (keyof S)[];
    if (keys.every((k) => this.state[k] === patch[k])) return;
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}

/** A notice for the person at the board (a toast), with an optional action such as Undo. */
export type Notify = (text: string, tone?: "info" | "error" | "success", action?: { label: string; run: () => void }) => void;
