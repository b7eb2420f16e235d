// The conversation around a map: comments (with how many are open on each element) and dot
// votes. Both are their own records on the server, outside the map's revisions, so they are
// loaded and written on their own and never go through the document's queue.
import { api, paths } from "../api";
import type { Comment } from "../types";
import type { Target } from "./ops";
import { Scope, type Notify } from "./scope";

/** One element's votes as the server counts them: `votes` dot votes cast in the app, `mine`
 * whether yours is one of them, `written` the votes written in the map, and `total` what every
 * view shows (the rule lives once, on the server: store/assembled.py `shown_votes`). */
export interface Vote { votes: number; mine: boolean; written: number; total: number }

export interface CollaborationState {
  canComment: boolean;
  comments: Comment[];
  /** Open comments per element id (the map's own comments under the map's id). */
  commentCounts: Map<string, number>;
  votes: Map<string, Vote>;
}

export function countComments(comments: Comment[], mapId: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of comments) {
    if (c.resolved) continue;
    const key = c.target ?? mapId;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function because(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Collaboration extends Scope<CollaborationState> {
  notify: Notify = () => {};
  private disposed = false;

  constructor(private readonly target: Target | null, canComment: boolean) {
    super({ canComment: canComment && target !== null, comments: [], commentCounts: new Map(), votes: new Map() });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.votesTimer);
  }

  private setComments(comments: Comment[]): void {
    this.set({ comments, commentCounts: countComments(comments, this.target?.mapId ?? "") });
  }

  /** Comments and votes as the server has them now. */
  async load(): Promise<void> {
    await Promise.all([this.loadComments(), this.loadVotes()]);
  }

  async loadComments(): Promise<void> {
    if (!this.target) return;
    try {
      const reply = await api.get<Comment[]>(paths.comments(this.target.workspaceId, this.target.mapId));
      if (!this.disposed) this.setComments(reply.data);
    } catch {
      /* shown as no comments; the panel retries */
    }
  }

  async addComment(target: string | null, body: string): Promise<boolean> {
    if (!this.target) return false;
    try {
      const reply = await api.post<Comment>(paths.comments(this.target.workspaceId, this.target.mapId), { body, target });
      this.setComments([...this.state.comments, reply.data]);
      const told = (reply.data.mentioned ?? []).map((m) => m.name);
      if (told.length) this.notify(`Posted; ${told.join(", ")} ${told.length === 1 ? "was" : "were"} notified.`, "success");
      return true;
    } catch (e) {
      this.notify(`Couldn't post the comment: ${because(e)}`, "error");
      return false;
    }
  }

  async resolveComment(id: string, resolved: boolean): Promise<void> {
    if (!this.target) return;
    try {
      const reply = await api.patch<Comment>(paths.comment(this.target.workspaceId, this.target.mapId, id), { resolved });
      this.setComments(this.state.comments.map((c) => (c.id === id ? reply.data : c)));
    } catch (e) {
      this.notify(`Couldn't change the comment: ${because(e)}`, "error");
    }
  }

  async deleteComment(id: string): Promise<void> {
    if (!this.target) return;
    try {
      await api.del(paths.comment(this.target.workspaceId, this.target.mapId, id));
      this.setComments(this.state.comments.filter((c) => c.id !== id));
    } catch (e) {
      this.notify(`Couldn't delete the comment: ${because(e)}`, "error");
    }
  }

  async loadVotes(): Promise<void> {
    if (!this.target) return;
    try {
      const reply = await api.get<({ target: string } & Vote)[]>(paths.votes(this.target.workspaceId, this.target.mapId));
      if (!this.disposed) this.set({ votes: new Map(reply.data.map((v) => [v.target, { votes: v.votes, mine: v.mine, written: v.written, total: v.total }])) });
    } catch {
      /* votes stay as they were */
    }
  }

  private votesTimer: ReturnType<typeof setTimeout> | undefined;

  /** Read the votes again shortly (after the written votes changed: the server re-totals them). */
  reloadVotesSoon(ms = 800): void {
    clearTimeout(this.votesTimer);
    this.votesTimer = setTimeout(() => void this.loadVotes(), ms);
  }

  /** Put your dot on an element, or take it back: your dot shows at once, the total as the server counts it. */
  async toggleVote(target: string): Promise<void> {
    if (!this.target || !this.state.canComment) return;
    const before = this.state.votes.get(target);
    if (before) this.set({ votes: new Map(this.state.votes).set(target, { ...before, mine: !before.mine }) });
    try {
      const path = paths.vote(this.target.workspaceId, this.target.mapId, target);
      const reply = before?.mine ? await api.del<Vote>(path) : await api.put<Vote>(path, {});
      const { votes, mine, written, total } = reply.data;
      this.set({ votes: new Map(this.state.votes).set(target, { votes, mine, written, total }) });
    } catch (e) {
      const votes = new Map(this.state.votes);
      if (before) votes.set(target, before);
      else votes.delete(target);
      this.set({ votes });
      this.notify(`Couldn't vote: ${because(e)}`, "error");
    }
  }
}
