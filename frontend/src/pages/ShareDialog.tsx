// Contract: owned by the pages helper, who replaces this file. Opened from the board's toolbar.
export interface ShareDialogProps { workspaceId: string; mapId: string; mapName: string; open: boolean; onClose: () => void; canManage: boolean }
export function ShareDialog(_: ShareDialogProps) {
  return null;
}
