/**
 * What the sync engine reports, shared by the engine, the leadership between tabs and the
 * status the UI binds to. It sits at the bottom of the sync modules' imports (it imports
 * nothing), so none of them has to import the engine for a type.
 */
export type SyncPhase =
  | 'idle'
  | 'syncing'
  | 'retrying'
  | 'signed-out'
  | 'update-required'
  /** The server answered `not_a_member`: this replica's business is no longer the user's. */
  | 'not-a-member'
  | 'stopped';

export interface SyncEngineState {
  phase: SyncPhase;
  /** This tab runs the sync (holds the lock); other tabs show the leader's phase. */
  leader: boolean;
  lastError: string | null;
}
