/// <reference types="vite/client" />

/** The body of the console's first request on a page load of its security-info page, made at build time (web/vite.config.ts). */
declare const __FIRST_REQUEST_BODY__: string;
