// Every page of the app and the frame around them.
import { Link, Navigate, NavLink, Outlet, Route, Routes, useNavigate, useParams } from "react-router-dom";
import { api, paths } from "./api";
import { ErrorMessage } from "./components/errors";
import { Loading, useAsync } from "./components/loading";
import { NoticeProvider } from "./components/notices";
import { SessionProvider, useSession } from "./session";
import { useWorkspace, WorkspaceProvider } from "./workspace";
import type { WorkspaceRow } from "./types";
import { SignInPage } from "./pages/SignInPage";
import { MapListPage } from "./pages/MapListPage";
import { PersonasPage } from "./pages/PersonasPage";
import { SegmentsPage } from "./pages/SegmentsPage";
import { MapSettingsPage } from "./pages/MapSettingsPage";
import { HistoryPage } from "./pages/HistoryPage";
import { PresentPage } from "./pages/PresentPage";
import { SharedMapPage } from "./pages/SharedMapPage";
import { WorkspaceSettingsPage } from "./pages/WorkspaceSettingsPage";
import { BoardPage } from "./board/BoardPage";
import { NotificationBell } from "./pages/NotificationBell";
import { SkipLink } from "./components/SkipLink";
import { lazy, Suspense } from "react";

// Workshop mode is loaded when a workshop is opened (its own chunk: the board stays as light).
const JoinPage = lazy(() => import("./workshop/JoinPage").then((m) => ({ default: m.JoinPage })));
const WorkshopPage = lazy(() => import("./workshop/WorkshopPage").then((m) => ({ default: m.WorkshopPage })));
import { ResearchPage } from "./research/ResearchPage";
import { SourcePage } from "./research/SourcePage";
import { EventDataPage } from "./pages/events/EventDataPage";

export function App() {
  return (
    <NoticeProvider>
      <Routes>
        {/* A share link works signed out and shows one map and nothing else. */}
        <Route path="/s/:token" element={<SharedMapPage />} />
        {/* A workshop is open to its guests (no account) as well as to members. */}
        <Route path="/join/:token" element={<Suspense fallback={<Loading />}><JoinPage /></Suspense>} />
        <Route path="/w/:workspaceId/maps/:mapId/workshop/:workshopId" element={<Suspense fallback={<Loading label="Opening the workshop…" />}><WorkshopPage /></Suspense>} />
        <Route path="/w/:workspaceId/maps/:mapId/workshop/:workshopId/present" element={<Suspense fallback={<Loading label="Opening the workshop…" />}><WorkshopPage presenter /></Suspense>} />
        <Route path="*" element={<SignedIn />} />
      </Routes>
    </NoticeProvider>
  );
}

function SignedIn() {
  return (
    <SessionProvider>
      <Gate />
    </SessionProvider>
  );
}

function Gate() {
  const { me, loading } = useSession();
  if (loading) return <Loading />;
  if (!me) return <SignInPage />;
  return (
    <Routes>
      <Route path="/" element={<FirstWorkspace />} />
      <Route path="/w/:workspaceId" element={<WorkspaceFrame />}>
        <Route index element={<MapListPage />} />
        <Route path="personas" element={<PersonasPage />} />
        <Route path="personas/:personaId" element={<PersonasPage />} />
        <Route path="segments" element={<SegmentsPage />} />
        <Route path="research" element={<ResearchPage />} />
        <Route path="research/sources/:sourceId" element={<SourcePage />} />
        <Route path="settings" element={<WorkspaceSettingsPage />} />
        <Route path="events/*" element={<EventDataPage />} />
        <Route path="maps/:mapId" element={<BoardPage />} />
        <Route path="maps/:mapId/settings" element={<MapSettingsPage />} />
        <Route path="maps/:mapId/history" element={<HistoryPage />} />
      </Route>
      {/* Presentation mode fills the screen: no frame around it. */}
      <Route path="/w/:workspaceId/maps/:mapId/present" element={<WorkspaceScope><PresentPage /></WorkspaceScope>} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

/** Opens the first workspace you belong to (the demo workspace on a first run). */
function FirstWorkspace() {
  const loaded = useAsync(async () => (await api.get<WorkspaceRow[]>(paths.workspaces())).data, []);
  const navigate = useNavigate();
  if (loaded.error) return <ErrorMessage error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading />;
  if (loaded.data.length === 0) return <NoWorkspace onCreated={(id) => navigate(`/w/${id}`)} />;
  return <Navigate to={`/w/${loaded.data[0].id}`} replace />;
}

function NoWorkspace({ onCreated }: { onCreated: (id: string) => void }) {
  return (
    <main className="page narrow">
      <h1>Welcome to Journeyline</h1>
      <p>You are not a member of any workspace yet. Ask a workspace owner to invite you, or start your own.</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const name = String(new FormData(e.currentTarget).get("name") || "My workspace");
          const created = await api.post<{ id: string }>(paths.workspaces(), { name });
          onCreated(created.data.id);
        }}
      >
        <label className="field">
          <span className="field-label">Workspace name</span>
          <input name="name" defaultValue="My workspace" required maxLength={200} />
        </label>
        <button type="submit" className="primary">
          Create workspace
        </button>
      </form>
    </main>
  );
}

function WorkspaceScope({ children }: { children: React.ReactNode }) {
  const { workspaceId = "" } = useParams();
  return <WorkspaceProvider workspaceId={workspaceId}>{children}</WorkspaceProvider>;
}

function WorkspaceFrame() {
  return (
    <WorkspaceScope>
      <div className="app">
        <SkipLink />
        <TopBar />
        <Outlet />
      </div>
    </WorkspaceScope>
  );
}

function TopBar() {
  const { state } = useWorkspace();
  const { me, signOut } = useSession();
  const base = `/w/${state.id}`;
  return (
    <header className="topbar">
      {/* On a narrow window the workspace's name goes under the brand: the bar stays one line. */}
      <div className="brand-block">
        <Link to={base} className="brand" aria-label="Journeyline: all maps">
          <span className="brand-mark" aria-hidden="true">◠</span> Journeyline
        </Link>
        <span className="workspace-name" title={state.description ? `${state.name}: ${state.description}` : state.name}>{state.name}</span>
      </div>
      <nav aria-label="Workspace">
        <NavLink to={base} end>Maps</NavLink>
        <NavLink to={`${base}/personas`}>Personas</NavLink>
        <NavLink to={`${base}/segments`}>Segments</NavLink>
        <NavLink to={`${base}/research`}>Research</NavLink>
        <NavLink to={`${base}/events`}>Event data</NavLink>
        <NavLink to={`${base}/settings`}>Settings</NavLink>
      </nav>
      <span className="spacer" />
      <NotificationBell />
      <span className="me" title={me?.email}>{me?.name}</span>
      <button
        type="button"
        className="quiet"
        onClick={async () => {
          await signOut();
          window.location.assign("/");
        }}
      >
        Sign out
      </button>
    </header>
  );
}

function NotFound() {
  return (
    <main className="page narrow">
      <h1>Nothing here</h1>
      <p>
        This page does not exist, or you are not a member of the workspace it belongs to. <Link to="/">Go to your maps</Link>.
      </p>
    </main>
  );
}
