// The open workspace (its document: segments, personas, lanes, evidence; its maps; your role),
// shared by every page under /w/:workspaceId.
import { createContext, useContext, type ReactNode } from "react";
import { api, paths } from "./api";
import type { JourneylineDocument, MapSummaryRow, Role } from "./types";
import { ErrorMessage } from "./components/errors";
import { Loading, useAsync } from "./components/loading";

/** The workspace's own document as the API sends it: the file format's, without its maps. */
export type WorkspaceDocument = Omit<JourneylineDocument, "journeyline" | "maps">;
export interface WorkspaceState {
  id: string; name: string; description: string | null; role: Role; revision: number;
  maps: MapSummaryRow[]; created_at: string; updated_at: string; workspace: WorkspaceDocument;
}

interface WorkspaceValue {
  state: WorkspaceState;
  /** Read the workspace again (after a change to personas, segments, lanes or maps). */
  reload: () => void;
  /** Roles that may change maps and the workspace document. */
  canEdit: boolean;
  /** Roles that may comment and vote. */
  canComment: boolean;
}

const WorkspaceContext = createContext<WorkspaceValue | null>(null);

export function WorkspaceProvider({ workspaceId, children }: { workspaceId: string; children: ReactNode }) {
  const loaded = useAsync(async () => (await api.get<WorkspaceState>(paths.workspace(workspaceId))).data, [workspaceId]);
  if (loaded.error) return <ErrorMessage error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading label="Opening the workspace…" />;
  const role = loaded.data.role;
  const value: WorkspaceValue = {
    state: loaded.data,
    reload: loaded.reload,
    canEdit: role === "owner" || role === "editor",
    canComment: role !== "viewer",
  };
  return <WorkspaceContext.Provider value={value}>{children}</WorkspaceContext.Provider>;
}

export function useWorkspace(): WorkspaceValue {
  const value = useContext(WorkspaceContext);
  if (!value) throw new Error("useWorkspace() outside a WorkspaceProvider");
  return value;
}
