/** The id of the Webhooks tab's offline reason, which its disabled buttons point at. */
export const OFFLINE_REASON_ID = 'webhook-offline-reason';
