// Contract: owned by the pages helper, who replaces this file.
export function MapListPage() {
  return <main className="page">MapListPage</main>;
}
