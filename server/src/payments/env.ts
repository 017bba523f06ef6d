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

/** The app and key pair a call is made with, once known: its request log belongs to the app. */
export interface KeyUse {
  appId: string;
  keyId: string;
}

export interface V1Env {
  Variables: {
    requestId: string;
    caller: Caller;
    /** Set as soon as the call names an app through a key or token (usage/recorder.ts). */
    keyUse: KeyUse | undefined;
    /** The answer's JSON, kept by `v1Answer` for the request log and `Idempotency-Key`. */
    answerJson: string | null;
    /** The answer is the stored one of an earlier request with the same `Idempotency-Key`. */
    idempotentReplay: boolean;
    /** The answer's headers, base ones included (`frame.ts`). */
    v1Headers: Readonly<Record<string, string>>;
  };
}
