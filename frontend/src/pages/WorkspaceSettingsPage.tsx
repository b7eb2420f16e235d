// Contract: owned by the pages helper, who replaces this file.
export function WorkspaceSettingsPage() {
  return <main className="page">WorkspaceSettingsPage</main>;
}
