// Contract: owned by the board helper, who replaces this file. Route: /w/:workspaceId/maps/:mapId
export function BoardPage() {
  return <main className="board-page">Board</main>;
}
