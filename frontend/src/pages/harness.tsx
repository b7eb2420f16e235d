// TEMPORARY test harness (deleted before hand-off).
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";
import { NoticeProvider } from "../components/ui";
import { ExportMenu } from "./ExportMenu";
import { ShareDialog } from "./ShareDialog";
import "../styles.css";

function H() {
  const [open, setOpen] = useState(false);
  const q = new URLSearchParams(location.search);
  const ws = q.get("w") ?? ""; const m = q.get("m") ?? "";
  return (
    <div style={{ padding: 20, display: "flex", gap: 10, justifyContent: "flex-end", width: 700 }}>
      <button onClick={() => setOpen(true)}>Share</button>
      <ExportMenu workspaceId={ws} mapId={m} mapName="Evaluating Loomdesk" />
      <ShareDialog workspaceId={ws} mapId={m} mapName="Evaluating Loomdesk" open={open} onClose={() => setOpen(false)} canManage={q.get("manage") !== "0"} />
    </div>
  );
}
createRoot(document.getElementById("root")!).render(<BrowserRouter><NoticeProvider><H /></NoticeProvider></BrowserRouter>);
