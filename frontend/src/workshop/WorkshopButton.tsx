// The board toolbar's way into workshop mode: join the map's running workshop, or (editors
// and owners) start one, which makes you its facilitator.
import { useEffect, useState } from "react";
import { useNavigate } from "react-router-dom";
import { useNotify } from "../components/notices";
import { createWorkshop, listWorkshops, workshopPath, type Workshop } from "./api";

export function WorkshopButton({ workspaceId, mapId, mapName, canEdit }: { workspaceId: string; mapId: string; mapName: string; canEdit: boolean }) {
  const navigate = useNavigate();
  const notify = useNotify();
  const [running, setRunning] = useState<Workshop | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    listWorkshops(workspaceId, mapId).then(
      (list) => live && setRunning(list.find((w) => w.status !== "ended") ?? null),
      () => live && setRunning(null),
    );
    return () => {
      live = false;
    };
  }, [workspaceId, mapId]);
  if (running)
    return (
      <button type="button" className="quiet" data-testid="workshop-button" title={`Join “${running.title}” (${running.status === "running" ? "under way" : "not started yet"})`} onClick={() => navigate(workshopPath(workspaceId, mapId, running.id))}>
        Workshop <span className="b-count">{running.status === "running" ? "live" : "planned"}</span>
      </button>
    );
  if (!canEdit) return null;
  return (
    <button
      type="button"
      className="quiet"
      data-testid="workshop-button"
      disabled={busy}
      title="Run a mapping workshop on this map: agenda and timer, sticky notes, grouping, dot voting"
      onClick={async () => {
        setBusy(true);
        try {
          const made = await createWorkshop(workspaceId, mapId, `${mapName} workshop`);
          navigate(workshopPath(workspaceId, mapId, made.id));
        } catch (e) {
          notify(e instanceof Error ? e.message : String(e), "error");
          setBusy(false);
        }
      }}
    >
      Workshop
    </button>
  );
}
