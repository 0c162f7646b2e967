/// <reference path="./h3-js-browser.d.ts" />
/**
 * h3-js (Uber's H3 hexagonal grid, Apache-2.0), always its browser build (issue 15). The
 * package's main entry is an Emscripten build that detects Node at run time and then
 * `require`s fs and path; under workerd with nodejs_compat `process` exists, so that build would
 * take its Node path. The browser build is the same compiled H3 with no Node branch, and runs
 * unchanged in workerd, in Node (the unit tests) and in the bundler. Importing the file itself,
 * rather than relying on each tool's "browser" resolution (wrangler's esbuild, the vitest
 * workers pool's Vite, Node), makes the three agree by construction.
 */
export { cellToBoundary, cellToLatLng, getPentagons, gridDisk, latLngToCell } from "h3-js/dist/browser/h3-js.es.js";
