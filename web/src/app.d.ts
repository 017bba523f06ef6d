// The web app type-checks the server's routes through `AppType` (the typed API client), so it
// needs the server's ambient module declarations as well. They are a global script (`declare
// module …`), which `import` cannot pull in.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../../server/src/types/fxa-common-password-list.d.ts" />

// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {}
}
export {};
