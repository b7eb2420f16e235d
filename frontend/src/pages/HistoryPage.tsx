// Contract: owned by the pages helper, who replaces this file.
export function HistoryPage() {
  return <main className="page">HistoryPage</main>;
}
