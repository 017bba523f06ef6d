import type { AppState } from '../store/apps-access';

/**
 * The payments API's context types. They import nothing of the payments API itself: every
 * `/v1` module may import them without forming a cycle.
 */

/** Who is calling `/v1`: an app, through one of its key pairs. */
export interface Caller {
  app: AppState;
  keyId: string;
  /** Set for bearer callers only: the HMAC key of `x-signature`. */
  secretHash: string | null;
}

export interface V1Env {
  Variables: {
    requestId: string;
    caller: Caller;
    /** The answer's headers, base ones included (`frame.ts`). */
    v1Headers: Readonly<Record<string, string>>;
  };
}
