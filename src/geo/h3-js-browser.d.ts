// The browser build of h3-js has the same API as the package's main entry; only its types live there.
declare module "h3-js/dist/browser/h3-js.es.js" {
  export * from "h3-js";
}
