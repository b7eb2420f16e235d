// Contract: owned by the pages helper, who replaces this file.
export function SegmentsPage() {
  return <main className="page">SegmentsPage</main>;
}
