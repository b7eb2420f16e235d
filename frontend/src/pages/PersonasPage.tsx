// Contract: owned by the pages helper, who replaces this file.
export function PersonasPage() {
  return <main className="page">PersonasPage</main>;
}
