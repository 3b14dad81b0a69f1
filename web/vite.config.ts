import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';
import { SecurityInfoDocument } from '../schema/src/generated/documents/console.ts';
import { FIRST_REQUEST_PATHS, requestBody } from './src/graphql/first-request.ts';

const api = process.env.API_URL ?? 'http://localhost:4000';

/** What gains from compression: text. Images and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:js|css|html|svg|json|txt)$/;
const compressors = {
  br: (data: Buffer) => promisify(brotliCompress)(data, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }),
  gz: (data: Buffer) => promisify(gzip)(data, { level: constants.Z_BEST_COMPRESSION }),
};

/**
 * Writes `file.br` and `file.gz` beside each text file of the build, where
 * they are smaller, for the server to send as they are
 * (server/src/modules/console/console.handler.ts). Done once here at the
 * highest levels rather than per request: brotli at quality 11 is too slow
 * to run on the fly.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'app-passwords:precompress',
    apply: (_config, env) => env.command === 'build' && !env.isSsrBuild,
    configResolved: (config) => void (outDir = path.resolve(config.root, config.build.outDir)),
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => COMPRESSIBLE.test(name));
      await Promise.all(
        files.map(async (name) => {
          const data = await readFile(path.join(outDir, name));
          for (const [extension, compress] of Object.entries(compressors)) {
            const compressed = await compress(data);
            if (compressed.length < data.length) await writeFile(path.join(outDir, `${name}.${extension}`), compressed);
          }
        }),
      );
    },
  };
}

/**
 * The console's first request on a page load of its security-info page:
 * `__FIRST_REQUEST_BODY__`, the exact body its client sends for
 * `SecurityInfo` (made here by a client with the console's options), and
 * `first-request.json` beside index.html, which tells the server that
 * request and the pages it is sent from. The server then puts its answer for
 * the caller into the page (server/src/modules/console/), and the client
 * takes it instead of asking (src/graphql/first-request.ts).
 */
export function firstRequest(): Plugin {
  let body = '';
  let serverBuild = false;
  return {
    name: 'app-passwords:first-request',
    async config(_config, env) {
      serverBuild = env.isSsrBuild === true;
      body = await requestBody(SecurityInfoDocument);
      return { define: { __FIRST_REQUEST_BODY__: JSON.stringify(body) } };
    },
    generateBundle() {
      if (serverBuild) return; // the server reads it beside the browser's build
      this.emitFile({ type: 'asset', fileName: 'first-request.json', source: JSON.stringify({ paths: FIRST_REQUEST_PATHS, body }) });
    },
  };
}

/**
 * Puts V8's explicit compile hint `//# allFunctionsCalledOnLoad` at the top of
 * the scripts every page load runs (the entry and the chunks it imports
 * statically, which index.html preloads). Chromium then compiles all their
 * functions while the file streams in, off the main thread, instead of each
 * one on the main thread at its first call; a first visit's main thread spent
 * about a fifth of its time there (test/bench/README.md). Lazy chunks stay as
 * they are; other browsers ignore the comment.
 */
function compileHints(): Plugin {
  return {
    name: 'app-passwords:compile-hints',
    apply: (_config, env) => env.command === 'build' && !env.isSsrBuild,
    generateBundle: {
      // After Vite's own changes to the chunks (it puts a preload map at the top of the entry): the comment comes first.
      order: 'post',
      handler(_options, bundle) {
        const initial = new Set<string>();
        const add = (fileName: string) => {
          const chunk = bundle[fileName];
          if (chunk?.type !== 'chunk' || initial.has(fileName)) return;
          initial.add(fileName);
          chunk.imports.forEach(add);
        };
        for (const chunk of Object.values(bundle)) if (chunk.type === 'chunk' && chunk.isEntry) add(chunk.fileName);
        for (const fileName of initial) {
          const chunk = bundle[fileName];
          if (chunk?.type === 'chunk') chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
        }
      },
    },
  };
}

export default defineConfig({
  plugins: [
    vue(),
    // The messages are compiled here, at build time, so the console ships vue-i18n's runtime-only build: no message
    // compiler in the browser, nothing to compile on each visit (and no eval: the compiled form is data).
    VueI18nPlugin({
      include: [fileURLToPath(new URL('./src/i18n/*.json', import.meta.url))],
      runtimeOnly: true,
      compositionOnly: true,
      fullInstall: false,
      dropMessageCompiler: true,
    }),
    firstRequest(),
    compileHints(),
    precompress(),
  ],
  // Compile-time switches of Vue and vue-i18n: drop the code of what the console does not use. Every component is
  // `<script setup>` (no Options API); i18n is composition-only (`legacy: false`) with `t()` (no <i18n-t>, no v-t).
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Vue's core and vue-i18n, as Rolldown would split them off by itself, and plugin-vue's tiny helper that
            // every component with scoped styles imports (on its own, one more file of 90 bytes on every page load).
            {
              name: 'vue',
              test: /[\\/]node_modules[\\/](?:@vue[\\/](?:runtime-core|reactivity|shared)|vue-i18n|@intlify)[\\/]|plugin-vue:export-helper/,
            },
          ],
        },
      },
    },
  },
  resolve: {
    // Compile the shared package from source: no build step between an SDL change and the console.
    alias: { '@app-passwords/schema': fileURLToPath(new URL('../schema/src/index.ts', import.meta.url)) },
  },
  server: {
    port: 5173,
    // `pnpm dev`: the console on Vite, the API on the server.
    proxy: Object.fromEntries(['/graphql', '/auth', '/export', '/healthz'].map((p) => [p, api])),
  },
});
