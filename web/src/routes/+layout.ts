// A single-page app: nothing is rendered on a server, every route renders in the browser.
export const ssr = false;
export const prerender = false;
