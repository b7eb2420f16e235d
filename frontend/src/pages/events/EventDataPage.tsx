// "Event data": the workspace's event sources and what the team can learn from them, for
// people who never open a terminal — sources and uploads, analyses, paths, observed against
// mapped, and a map drafted from data. Each view runs the same analyses as `journeyline events`.
import { NavLink, Navigate, Route, Routes } from "react-router-dom";
import { api } from "../../api";
import { ErrorMessage } from "../../components/errors";
import { Loading, useAsync } from "../../components/loading";
import { useWorkspace } from "../../workspace";
import { PageHeader, useTitle } from "../layout";
import { AnalysesView } from "./AnalysesView";
import { ConformanceView } from "./ConformanceView";
import { DiscoverView } from "./DiscoverView";
import { PathsView } from "./PathsView";
import { SourcesView } from "./SourcesView";
import { eventPaths, type EventSource } from "./eventsApi";
import "./events.css";

export function EventDataPage() {
  const { state } = useWorkspace();
  const ws = state.id;
  const base = `/w/${encodeURIComponent(ws)}/events`;
  useTitle(`Event data · ${state.name}`);
  const loaded = useAsync(async () => (await api.get<{ sources: EventSource[] }>(eventPaths.sources(ws))).data.sources, [ws]);
  const sources = loaded.data;
  return (
    <main className="page ev-page">
      <PageHeader title="Event data" subtitle="What your customers really do, from your analytics: measure the journey, see the paths, compare them with your maps." />
      <nav className="map-tabs ev-tabs" aria-label="Event data">
        <NavLink to={base} end>Sources</NavLink>
        <NavLink to={`${base}/analyses`}>Analyses</NavLink>
        <NavLink to={`${base}/paths`}>Paths</NavLink>
        <NavLink to={`${base}/conformance`}>Observed against mapped</NavLink>
        <NavLink to={`${base}/discover`}>Draft a map</NavLink>
      </nav>
      {loaded.error ? (
        <ErrorMessage error={loaded.error} onRetry={loaded.reload} />
      ) : !sources ? (
        <Loading label="Reading the event sources…" />
      ) : (
        <Routes>
          <Route index element={<SourcesView sources={sources} reload={loaded.reload} />} />
          <Route path="analyses" element={<AnalysesView sources={sources} base={base} />} />
          <Route path="paths" element={<PathsView sources={sources} base={base} />} />
          <Route path="conformance" element={<ConformanceView sources={sources} base={base} />} />
          <Route path="discover" element={<DiscoverView sources={sources} base={base} />} />
          <Route path="*" element={<Navigate to={base} replace />} />
        </Routes>
      )}
    </main>
  );
}
