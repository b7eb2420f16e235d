// Contract: owned by the pages helper, who replaces this file.
export function MapSettingsPage() {
  return <main className="page">MapSettingsPage</main>;
}
