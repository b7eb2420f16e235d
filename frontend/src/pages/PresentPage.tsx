// Contract: owned by the pages helper, who replaces this file.
export function PresentPage() {
  return <main className="page">PresentPage</main>;
}
