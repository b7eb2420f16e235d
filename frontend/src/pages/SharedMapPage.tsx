// Contract: owned by the pages helper, who replaces this file.
export function SharedMapPage() {
  return <main className="page">SharedMapPage</main>;
}
